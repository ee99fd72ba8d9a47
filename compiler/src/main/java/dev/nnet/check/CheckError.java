package dev.nnet.check;

import dev.nnet.diag.Diagnostic;

/** Stops checking the current definition; carries the diagnostic to report. */
final class CheckError extends Exception {
  private final Diagnostic diagnostic;

  CheckError(Diagnostic diagnostic) {
    super(diagnostic.message(), null, false, false);
    this.diagnostic = diagnostic;
  }

  Diagnostic diagnostic() {
    return diagnostic;
  }
}
