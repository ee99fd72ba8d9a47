package dev.nnet.runtime.exec;

import dev.nnet.ir.SourceSpan;

/**
 * A graph could not be run: a feed is missing or has the wrong shape or dtype, or a kernel met a
 * value it cannot handle (an index out of range). The message names the .nnet source span of the
 * node at fault when it is known, so runtime errors point at a line like compile errors do: for a
 * node of a library function, the user's call that reached it (see {@link SourceSpan#locate}).
 */
public final class ExecutionError extends RuntimeException {
  private final transient SourceSpan span;
  private final String detail;

  /** An error at {@code span} ({@link SourceSpan#NONE} when unknown). */
  public ExecutionError(String detail, SourceSpan span) {
    super(span != null ? span.locate(detail) : detail);
    this.detail = detail;
    this.span = span == null ? SourceSpan.NONE : span;
  }

  /** An error raised inside a kernel, which does not know its node; the executor adds the span. */
  public ExecutionError(String detail) {
    this(detail, SourceSpan.NONE);
  }

  /** The source span of the node at fault, or {@link SourceSpan#NONE}. */
  public SourceSpan span() {
    return span;
  }

  /** The message without the source location. */
  public String detail() {
    return detail;
  }
}
