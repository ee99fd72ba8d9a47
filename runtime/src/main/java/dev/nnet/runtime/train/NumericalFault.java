package dev.nnet.runtime.train;

import dev.nnet.ir.SourceSpan;

/**
 * Training stopped because a step produced NaN or infinity in its loss or in an update of a
 * parameter or optimizer state. {@code what} says which output was not finite; {@code op} and
 * {@code span} name the first node of the step, in execution order, whose value was not finite
 * (found by re-running the step node by node), so the message points at a {@code .nnet} line. The
 * step's results were discarded: the values and checkpoint of the last completed epoch stand.
 */
public final class NumericalFault extends RuntimeException {
  private final transient SourceSpan span;
  private final String op;
  private final int epoch;
  private final int step;

  /**
   * A fault in step {@code step} (0-based) of epoch {@code epoch} (1-based, as printed).
   *
   * @param what the output that was not finite, e.g. "the loss is NaN"
   * @param op the IR op text of the first non-finite node, or null when re-running found none
   * @param span that node's source span ({@link SourceSpan#NONE} when unknown)
   * @param kept what the user keeps, e.g. the checkpoint path and its epoch
   */
  public NumericalFault(String what, String op, SourceSpan span, int epoch, int step, String kept) {
    super(message(what, op, span, epoch, step, kept));
    this.span = span == null ? SourceSpan.NONE : span;
    this.op = op;
    this.epoch = epoch;
    this.step = step;
  }

  private static String message(String what, String op, SourceSpan span, int epoch, int step, String kept) {
    boolean located = span != null && span.isKnown();
    String where = op == null
        ? "; re-running the step found no node that produces it (a non-deterministic kernel?)"
        : ", first produced by `" + op + "`" + (located ? ", computing the expression here or its gradient" : " (no source line)");
    // A node of a library function is reported at the user's call that reached it, the library line a note.
    String inLibrary = located && span.caller() != null
        ? "\n  = note: " + span + ": inside `" + span.caller().callee() + "`" : "";
    return (located ? span.inUserCode() + ": " : "") + "error: training stopped in epoch " + epoch + ", step " + (step + 1)
        + ": " + what + where + inLibrary + "\n  = " + kept
        + "\n  = help: keep the operation in its domain (`log(x + 1e-7)`, `sqrt(max(x, 0.0))`, a clamp), or lower the learning rate";
  }

  /** The source span of the first node whose value was not finite, or {@link SourceSpan#NONE}. */
  public SourceSpan span() {
    return span;
  }

  /** The IR op text of that node, or null when none was found. */
  public String op() {
    return op;
  }

  /** The epoch of the faulty step, from 1. */
  public int epoch() {
    return epoch;
  }

  /** The faulty step within its epoch, from 0. */
  public int step() {
    return step;
  }

  /** The same text as {@link #getMessage()}, without the exception class name. */
  @Override
  public String toString() {
    return getMessage();
  }
}
