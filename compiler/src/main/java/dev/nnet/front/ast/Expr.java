package dev.nnet.front.ast;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/** Expressions. Every node keeps the span of the source it was parsed from. */
public sealed interface Expr {
  SourceSpan span();

  record IntLit(long value, SourceSpan span) implements Expr {}

  record FloatLit(double value, SourceSpan span) implements Expr {}

  record StringLit(String value, SourceSpan span) implements Expr {}

  record BoolLit(boolean value, SourceSpan span) implements Expr {}

  record Name(String name, SourceSpan span) implements Expr {}

  /** {@code -x}, {@code +x}, {@code not x}. */
  record Unary(String op, Expr operand, SourceSpan span) implements Expr {}

  /** Arithmetic, {@code @}, comparisons, {@code and}/{@code or}, {@code **}. */
  record Binary(String op, Expr left, Expr right, SourceSpan span) implements Expr {}

  /** {@code x |> f}: calls {@code f} with {@code x} as its first argument. */
  record Pipe(Expr value, Expr stage, SourceSpan span) implements Expr {}

  /** {@code f(a, b, name = c)}. */
  record Call(Expr callee, List<Arg> args, SourceSpan span) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** A call argument, positional when {@code name} is null. */
  record Arg(String name, Expr value, SourceSpan span) {}

  /** {@code x[i, a..b, ...]}. */
  record Index(Expr target, List<IndexItem> items, SourceSpan span) implements Expr {
    public Index {
      items = List.copyOf(items);
    }
  }

  /** {@code x.name}. */
  record Member(Expr target, String name, SourceSpan span) implements Expr {}

  /** {@code a..b}; either end may be absent inside an index. */
  record Range(Expr from, Expr to, SourceSpan span) implements Expr {}

  record If(Expr cond, Expr then, Expr otherwise, SourceSpan span) implements Expr {}

  record Tuple(List<Expr> items, SourceSpan span) implements Expr {
    public Tuple {
      items = List.copyOf(items);
    }
  }

  record ListLit(List<Expr> items, SourceSpan span) implements Expr {
    public ListLit {
      items = List.copyOf(items);
    }
  }

  /** A block of statements whose value is its last expression or {@code return}. */
  record Block(List<Stmt> stmts, SourceSpan span) implements Expr {
    public Block {
      stmts = List.copyOf(stmts);
    }
  }

  /** Stands for a part of the source that did not parse; checking skips it quietly. */
  record Error(SourceSpan span) implements Expr {}

  /** One item between the brackets of an index expression. */
  sealed interface IndexItem {
    SourceSpan span();

    record At(Expr index, SourceSpan span) implements IndexItem {}

    record Slice(Expr from, Expr to, SourceSpan span) implements IndexItem {}

    /** {@code ...}: as many {@code ..} items as needed. */
    record Ellipsis(SourceSpan span) implements IndexItem {}
  }
}
