package dev.nnet.lsp;

import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Member;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The written signature of a layer or function, {@code Linear(in: int, out: int, bias: bool = true)},
 * with its parameters one by one and the {@code ///} doc comment above it, for hover, completion and
 * signature help. Layers are called with their hyperparameters; functions with their parameters.
 */
record Signatures(String label, List<Parameter> params, String doc) {

  /** One parameter: its text in the label, its name and its default (or null). */
  record Parameter(String label, String name, String defaultText) {}

  /** The signature of {@code decl}, or null if it is not a layer or function. */
  static Signatures of(Decl decl, Map<String, SourceFile> sources) {
    List<Parameter> params = new ArrayList<>();
    String head;
    if (decl instanceof Decl.Layer l) {
      head = (l.isModel() ? "model " : "layer ") + l.name();
      for (Decl.HyperParam h : l.params()) {
        params.add(new Parameter(text(h.span(), sources, h.name()), h.name(),
            h.defaultValue() == null ? null : text(h.defaultValue().span(), sources, "...")));
      }
    } else if (decl instanceof Decl.Fn f) {
      head = "fn " + f.name();
      for (Member.FnDecl.Param p : f.fn().params()) {
        params.add(new Parameter(text(p.span(), sources, p.name()), p.name(),
            p.defaultValue() == null ? null : text(p.defaultValue().span(), sources, "...")));
      }
    } else {
      return null;
    }
    String label = head + "(" + String.join(", ", params.stream().map(Parameter::label).toList()) + ")";
    if (decl instanceof Decl.Fn f && f.fn().result() != null) {
      label += " -> " + text(f.fn().result().span(), sources, "...");
    }
    return new Signatures(label, params, docComment(decl.span(), sources));
  }

  /** The index of the parameter called {@code name}, or -1. */
  int indexOf(String name) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String text(SourceSpan span, Map<String, SourceFile> sources, String fallback) {
    SourceFile f = span == null ? null : sources.get(span.file());
    String t = f == null ? "" : f.slice(span);
    return t.isEmpty() ? fallback : t;
  }

  /** The {@code ///} lines right above a declaration, joined; null if there are none. */
  private static String docComment(SourceSpan span, Map<String, SourceFile> sources) {
    SourceFile f = span == null ? null : sources.get(span.file());
    if (f == null) {
      return null;
    }
    List<String> lines = new ArrayList<>();
    for (int n = span.line() - 1; n >= 1; n--) {
      String l = f.line(n).strip();
      if (!l.startsWith("///")) {
        break;
      }
      lines.add(0, l.substring(3).strip());
    }
    return lines.isEmpty() ? null : String.join(" ", lines);
  }
}
