package dev.nnet.check;

import dev.nnet.diag.Diagnostic;

/**
 * Loading a data set failed: a file is missing or malformed, a split does not fit the rows, or a
 * field expression does not fit the file's actual shape. Carries a diagnostic located at the
 * source expression in the .nnet file, rendered like the checker's.
 */
public final class DataLoadError extends Exception {
  private final transient Diagnostic diagnostic;

  DataLoadError(Diagnostic diagnostic) {
    super(diagnostic.message(), null, false, false);
    this.diagnostic = diagnostic;
  }

  /** What went wrong, and where in the .nnet file. */
  public Diagnostic diagnostic() {
    return diagnostic;
  }
}
