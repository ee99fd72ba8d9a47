package dev.nnet.front;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.SourceSpan;

/**
 * Thrown out of the parser at the syntax error after the first {@link #LIMIT}: past that many the
 * file is not the language (a binary, another language, a merge gone wrong), further messages help
 * nobody, and recovering from each costs time (25,600 errors took seconds to parse and megabytes to
 * print). {@link Parser} reports the first {@link #LIMIT} and one line saying it stopped.
 */
final class TooManySyntaxErrors extends RuntimeException {
  /** As compilers do (clang stops at 20 by default); generous, since an editor shows them all at once. */
  static final int LIMIT = 100;

  private final transient SourceSpan span;

  TooManySyntaxErrors(SourceSpan span) {
    super(null, null, false, false); // control flow, not a bug: no stack trace to fill
    this.span = span;
  }

  /** The closing diagnostic, where parsing stopped. */
  Diagnostic diagnostic() {
    return Diagnostic.error(ErrorCode.SYNTAX, span, "more than " + LIMIT + " syntax errors; stopped reading the file here")
        .withHelp("fix the first errors and check again; is this a .nnet file?");
  }
}
