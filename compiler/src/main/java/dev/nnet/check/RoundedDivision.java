package dev.nnet.check;

import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * An int division that rounded down ({@code d / heads} with 64 / 5 = 12), remembered while tracing
 * so that a reshape whose element count comes out wrong can say that a count does not divide a size:
 * the classic attention head count that does not divide the model dimension.
 *
 * @param at the division expression
 * @param dividend the size divided (64)
 * @param divisor the count it was divided by (5)
 */
record RoundedDivision(SourceSpan at, long dividend, long divisor) {

  /**
   * Whether this division explains a reshape to {@code target} at {@code call}: it is written inside
   * the call, or the target has both the divisor and the rounded quotient ({@code [N, T, 5, 12]}), as
   * when the quotient was computed in a `let` before.
   */
  boolean explains(SourceSpan call, java.util.List<dev.nnet.ir.Dim> target) {
    if (within(call)) {
      return true;
    }
    boolean quotient = target.stream().anyMatch(d -> d.isConstant() && d.constant() == Math.floorDiv(dividend, divisor));
    boolean count = target.stream().anyMatch(d -> d.isConstant() && d.constant() == divisor);
    return quotient && count;
  }

  /** Whether the division lies inside {@code outer} (a call's span). */
  boolean within(SourceSpan outer) {
    if (!at.isKnown() || outer == null || !outer.isKnown() || !at.file().equals(outer.file())) {
      return false;
    }
    boolean startsAfter = at.line() > outer.line() || at.line() == outer.line() && at.column() >= outer.column();
    boolean endsBefore = at.endLine() < outer.endLine()
        || at.endLine() == outer.endLine() && at.endColumn() <= outer.endColumn();
    return startsAfter && endsBefore;
  }

  /** {@code `d / heads` is 64 / 5, rounded down to 12: ...}, with the counts that do divide. */
  String help(String text) {
    List<String> divisors = new ArrayList<>();
    for (long k = 1; k <= dividend && divisors.size() < 12; k++) {
      if (dividend % k == 0) {
        divisors.add(Long.toString(k));
      }
    }
    return "`" + text + "` is " + dividend + " / " + divisor + ", rounded down to " + Math.floorDiv(dividend, divisor)
        + ": " + divisor + " does not divide " + dividend + "; a count that does: " + String.join(", ", divisors);
  }
}
