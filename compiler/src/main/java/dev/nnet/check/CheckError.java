package dev.nnet.check;

import dev.nnet.diag.Diagnostic;

/** Stops checking the current definition; carries the diagnostic to report. */
final class CheckError extends Exception {
  private final Diagnostic diagnostic;

  CheckError(Diagnostic diagnostic) {
    super(diagnostic == null ? "already reported" : diagnostic.message(), null, false, false);
    this.diagnostic = diagnostic;
  }

  /** Stops checking after an error the parser has already reported; it adds no diagnostic. */
  static CheckError alreadyReported() {
    return new CheckError(null);
  }

  /** The diagnostic, or null when the problem was already reported. */
  Diagnostic diagnostic() {
    return diagnostic;
  }
}
