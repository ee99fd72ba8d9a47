package dev.nnet.backend.onnx;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.SourceSpan;

/**
 * A graph could not be exported: an op with no ONNX form for inference (a random draw, a loop, a
 * gradient-only op), a shape ONNX cannot compute, or parameters missing from the weights. Carries
 * a diagnostic at the .nnet source of the node, rendered like the checker's; nothing is written.
 */
public final class OnnxExportError extends Exception {
  private final transient Diagnostic diagnostic;

  OnnxExportError(Diagnostic diagnostic) {
    super(diagnostic.span() + ": " + diagnostic.message(), null, false, false);
    this.diagnostic = diagnostic;
  }

  /** An {@link ErrorCode#EXPORT_UNSUPPORTED} error at {@code span} with a {@code help} line. */
  static OnnxExportError at(SourceSpan span, String message, String help) {
    return new OnnxExportError(Diagnostic.error(ErrorCode.EXPORT_UNSUPPORTED, span, message).withHelp(help));
  }

  /** What cannot be exported, and where in the .nnet file. */
  public Diagnostic diagnostic() {
    return diagnostic;
  }
}
