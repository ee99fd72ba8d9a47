package dev.nnet.diag;

/** How bad a diagnostic is. Errors stop compilation; warnings (lints) do not. */
public enum Severity {
  ERROR, WARNING, NOTE;

  public String text() {
    return name().toLowerCase();
  }
}
