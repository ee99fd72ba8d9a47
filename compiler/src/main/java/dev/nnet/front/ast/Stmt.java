package dev.nnet.front.ast;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/** Statements inside a block. */
public sealed interface Stmt {
  SourceSpan span();

  /** {@code let x = e} or {@code let (a, b) = e}. */
  record Let(List<String> names, boolean destructure, Expr value, SourceSpan span) implements Stmt {
    public Let {
      names = List.copyOf(names);
    }
  }

  /**
   * {@code running_mean := e}: the value a buffer of the enclosing layer has in the next training
   * step. Reads in this step still see the current value; evaluation skips the statement.
   */
  record Update(String name, SourceSpan nameSpan, Expr value, SourceSpan span) implements Stmt {}

  record Return(Expr value, SourceSpan span) implements Stmt {}

  record ExprStmt(Expr value, SourceSpan span) implements Stmt {}
}
