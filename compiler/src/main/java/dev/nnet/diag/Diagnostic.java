package dev.nnet.diag;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/**
 * One problem found in a program: a stable code (documented in {@code docs/errors/CODE.md}), a
 * message, the primary span with an optional label, related spans (where a dimension came from,
 * the definition that expects something), dimension bindings, and a help line saying how to fix it.
 * The CLI renders it rustc-style, the Maven plugin as {@code file:line:col}, the language server as
 * an LSP diagnostic.
 */
public record Diagnostic(
    ErrorCode code,
    Severity severity,
    String message,
    SourceSpan span,
    String label,
    List<Related> related,
    List<String> bindings,
    String help) {

  public Diagnostic {
    related = List.copyOf(related);
    bindings = List.copyOf(bindings);
  }

  /** A secondary location: {@code produces [N, 128]} under the layer that made a value. */
  public record Related(SourceSpan span, String label) {}

  public static Diagnostic error(ErrorCode code, SourceSpan span, String message) {
    return new Diagnostic(code, Severity.ERROR, message, span, null, List.of(), List.of(), null);
  }

  public static Diagnostic warning(ErrorCode code, SourceSpan span, String message) {
    return new Diagnostic(code, Severity.WARNING, message, span, null, List.of(), List.of(), null);
  }

  public Diagnostic withLabel(String l) {
    return new Diagnostic(code, severity, message, span, l, related, bindings, help);
  }

  public Diagnostic withHelp(String h) {
    return new Diagnostic(code, severity, message, span, label, related, bindings, h);
  }

  public Diagnostic withRelated(SourceSpan s, String l) {
    if (s == null || !s.isKnown()) {
      return this;
    }
    List<Related> r = new java.util.ArrayList<>(related);
    r.add(new Related(s, l));
    return new Diagnostic(code, severity, message, span, label, r, bindings, help);
  }

  public Diagnostic withBindings(List<String> b) {
    return new Diagnostic(code, severity, message, span, label, related, b, help);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:col: error[NNET0301]: message}, the one-line form for build tools. */
  public String oneLine() {
    return span + ": " + severity.text() + "[" + code.id() + "]: " + message;
  }
}
