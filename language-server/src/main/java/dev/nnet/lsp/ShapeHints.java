package dev.nnet.lsp;

import dev.nnet.check.TracedValue;
import dev.nnet.check.TypeIndex;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.Stmt;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * Inlay hints with the shapes the checker traced: after each stage of a pipeline
 * ({@code x |> fc1 : [N, 256] |> relu : [N, 256]}), after the name of a tensor {@code let}, and after
 * a layer field its output ({@code fc1 = Linear(784, 256) → [N, 256]}). Only what was traced gets a
 * hint: a layer that is not checked alone, or code after an error, has none.
 */
final class ShapeHints {
  private ShapeHints() {}

  static List<InlayHint> hints(Analysis a, Range range) {
    TypeIndex types = a.result().types();
    SourceFile file = a.result().file();
    List<InlayHint> out = new ArrayList<>();
    for (Decl d : a.result().program().decls()) {
      if (!(d instanceof Decl.Layer l) || !SourceRanges.overlaps(l.span(), range)) {
        if (d instanceof Decl.Fn f && SourceRanges.overlaps(f.span(), range)) {
          expr(f.fn().body(), types, file, out);
        }
        continue;
      }
      for (Member m : l.members()) {
        if (m instanceof Member.Field f) {
          String shapes = types.at(f.nameSpan()).stream().filter(v -> v.layer() != null)
              .flatMap(v -> v.layer().outputs().stream()).distinct().map(TensorType::toString)
              .collect(Collectors.joining(" | "));
          if (!shapes.isEmpty()) {
            out.add(hint(SourceRanges.end(f.span()), "→ " + shapes));
          }
          expr(f.value(), types, file, out);
        } else if (m instanceof Member.Forward fw) {
          expr(fw.fn().body(), types, file, out);
        } else if (m instanceof Member.Method mm) {
          expr(mm.fn().body(), types, file, out);
        }
      }
    }
    out.removeIf(h -> !inside(h.getPosition(), range));
    return out;
  }

  private static void expr(Expr e, TypeIndex types, SourceFile file, List<InlayHint> out) {
    if (e instanceof Expr.Pipe p) {
      expr(p.value(), types, file, out);
      expr(p.stage(), types, file, out);
      String shapes = shapes(types.at(p.span()));
      if (!shapes.isEmpty()) {
        out.add(hint(SourceRanges.end(p.span()), ": " + shapes));
      }
    } else if (e instanceof Expr.Block b) {
      for (Stmt s : b.stmts()) {
        if (s instanceof Stmt.Let let) {
          Position after = afterName(let, file);
          String shapes = shapes(types.at(let.span()));
          if (after != null && !shapes.isEmpty() && !let.destructure()) {
            out.add(hint(after, ": " + shapes));
          }
          expr(let.value(), types, file, out);
        } else if (s instanceof Stmt.Update u) {
          expr(u.value(), types, file, out);
        } else if (s instanceof Stmt.Return r) {
          expr(r.value(), types, file, out);
        } else if (s instanceof Stmt.ExprStmt x) {
          expr(x.value(), types, file, out);
        }
      }
    } else if (e instanceof Expr.If i) {
      expr(i.then(), types, file, out);
      expr(i.otherwise(), types, file, out);
    } else if (e instanceof Expr.Call c) {
      for (Expr.Arg arg : c.args()) {
        expr(arg.value(), types, file, out);
      }
    } else if (e instanceof Expr.Binary b) {
      expr(b.left(), types, file, out);
      expr(b.right(), types, file, out);
    }
  }

  private static String shapes(List<TracedValue> values) {
    return values.stream().map(TracedValue::tensor).filter(Objects::nonNull).map(TensorType::toString).distinct()
        .collect(Collectors.joining(" | "));
  }

  /** Just after the name in {@code let name = ...}, found in the text (the AST keeps no span for it). */
  private static Position afterName(Stmt.Let let, SourceFile file) {
    SourceSpan s = let.span();
    String line = file.line(s.line());
    int from = Math.max(0, s.column() - 1);
    int at = line.indexOf(let.names().get(0), Math.min(from + 3, line.length()));
    return at < 0 ? null : new Position(s.line() - 1, at + let.names().get(0).length());
  }

  private static InlayHint hint(Position at, String label) {
    InlayHint h = new InlayHint(at, Either.forLeft(label));
    h.setKind(InlayHintKind.Type);
    h.setPaddingLeft(true);
    return h;
  }

  private static boolean inside(Position p, Range r) {
    boolean afterStart = p.getLine() > r.getStart().getLine()
        || (p.getLine() == r.getStart().getLine() && p.getCharacter() >= r.getStart().getCharacter());
    boolean beforeEnd = p.getLine() < r.getEnd().getLine()
        || (p.getLine() == r.getEnd().getLine() && p.getCharacter() <= r.getEnd().getCharacter());
    return afterStart && beforeEnd;
  }
}
