package dev.nnet.lsp;

import dev.nnet.check.LayerInstance;
import dev.nnet.check.TracedValue;
import dev.nnet.check.TypeIndex;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Position;

/**
 * Hover: what the checker computed for the innermost traced expression under the cursor (a tensor's
 * shape and dtype; for a layer, its hyperparameters, output shape and parameter count), and for a
 * name of a layer or function its signature and doc comment.
 */
final class Hovers {
  private final NameScopes scopes;

  Hovers(NameScopes scopes) {
    this.scopes = scopes;
  }

  Hover hover(Analysis a, Position p) {
    TypeIndex types = a.result().types();
    SourceSpan span = types.innermost(SourceRanges.line(p), SourceRanges.column(p));
    NameScopes.At at = scopes.at(a.result().program(), a.result().sources(), p);
    Definition def = at.resolve();
    List<String> parts = new ArrayList<>();
    String subject = at.name() != null && (span == null || span.equals(at.nameSpan())) ? at.name() : null;
    if (span != null) {
      for (TracedValue v : types.at(span)) {
        parts.add(describe(subject, v));
      }
      SourceSpan stage = pipeStage(types, span);
      if (stage != null) {
        String out = types.at(stage).stream().filter(v -> v.tensor() != null).map(v -> "`" + typeText(v.tensor()) + "`")
            .distinct().collect(Collectors.joining(", "));
        if (!out.isEmpty()) {
          parts.add("this stage gives " + out);
        }
      }
    }
    if (def != null && def.decl() != null) {
      Signatures sig = Signatures.of(def.decl(), a.result().sources());
      if (sig != null) {
        parts.add(code(sig.label()) + (sig.doc() == null ? "" : "\n" + sig.doc()));
      }
      a.result().models().stream().filter(m -> m.decl() == def.decl()).findFirst()
          .ifPresent(m -> parts.add(outputAndCount(m)));
    } else if (def != null && parts.isEmpty() && def.detail() != null && !def.detail().isEmpty()) {
      parts.add(code(def.detail()) + "\n" + kindText(def.kind()));
    }
    if (parts.isEmpty()) {
      return null;
    }
    Hover h = new Hover(new MarkupContent(MarkupKind.MARKDOWN, String.join("\n\n---\n\n", parts)));
    SourceSpan range = subject != null || span == null ? at.nameSpan() : span;
    if (range != null) {
      h.setRange(SourceRanges.range(range));
    }
    return h;
  }

  /**
   * For a function or layer used as a pipeline stage ({@code |> relu}), the traced expression that
   * ends with it: the stage's result. A tensor's own span needs no such addition.
   */
  private static SourceSpan pipeStage(TypeIndex types, SourceSpan span) {
    if (types.at(span).stream().anyMatch(v -> v.tensor() != null)) {
      return null;
    }
    SourceSpan best = null;
    for (SourceSpan s : types.spans()) {
      boolean endsHere = s.endLine() == span.endLine() && s.endColumn() == span.endColumn();
      boolean startsBefore = s.line() < span.line() || (s.line() == span.line() && s.column() < span.column());
      if (endsHere && startsBefore && (best == null || s.line() > best.line()
          || (s.line() == best.line() && s.column() > best.column()))) {
        best = s;
      }
    }
    return best;
  }

  private static String describe(String subject, TracedValue v) {
    if (v.tensor() != null) {
      return code((subject == null ? "" : subject + ": ") + typeText(v.tensor()));
    }
    if (v.layer() != null) {
      LayerInstance l = v.layer();
      String args = l.hyperParams().entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
          .collect(Collectors.joining(", "));
      return code((subject == null ? "" : subject + ": ") + l.decl().name() + "(" + args + ")") + "\n" + outputAndCount(l);
    }
    return (subject == null ? "" : "`" + subject + "`: ") + v.description();
  }

  private static String outputAndCount(LayerInstance l) {
    String out = l.outputTexts().isEmpty() ? "not called while checking"
        : l.outputTexts().stream().distinct().map(t -> "`" + (t.startsWith("[") ? "f32" + t : t) + "`")
            .collect(Collectors.joining(", "));
    return "output " + out + " · " + String.format("%,d", l.parameterCount()) + " parameters";
  }

  /** A tensor type as written in .nnet, with its dtype even when it is the default f32. */
  static String typeText(TensorType t) {
    String s = t.toString();
    return s.startsWith("[") ? "f32" + s : s;
  }

  private static String code(String s) {
    return "```nnet\n" + s + "\n```";
  }

  private static String kindText(Definition.Kind k) {
    return Map.of(Definition.Kind.HYPERPARAMETER, "hyperparameter", Definition.Kind.PARAMETER, "parameter",
        Definition.Kind.FIELD, "field", Definition.Kind.ARGUMENT, "argument", Definition.Kind.LOCAL, "local",
        Definition.Kind.DATA_FIELD, "data field", Definition.Kind.GLOBAL, "global").getOrDefault(k, "");
  }
}
