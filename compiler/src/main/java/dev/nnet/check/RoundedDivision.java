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
 * @param dividendSet where the user wrote the dividend's value, or null (a literal in the division itself)
 * @param divisorSet where the user wrote the divisor's value, or null
 */
record RoundedDivision(SourceSpan at, long dividend, long divisor, Setting dividendSet, Setting divisorSet) {

  /**
   * Where the value of an operand was written in the user's code: {@code heads} = 6 at the {@code 6}
   * of {@code MultiHeadAttention(64, 6)}, or of a default, a {@code let} or a model argument.
   *
   * @param name the operand as written in the division ({@code heads})
   * @param value its value (6)
   * @param at the literal or expression that gave it the value
   */
  record Setting(String name, long value, SourceSpan at) {

    /**
     * The setting of an operand, or null when there is nothing to point at: its value was written
     * in the division itself (a literal), in the library, or nowhere known.
     */
    static Setting of(String name, long value, SourceSpan at, SourceSpan division) {
      if (at == null || !at.isKnown() || CallStack.isLibrary(at) || within(at, division)) {
        return null;
      }
      return new Setting(name, value, at);
    }

    /** {@code `heads` = 6 at line 5:31}, with the file when it is not the division's. */
    String describe(SourceSpan division) {
      String where = at.file().equals(division.file()) ? "line " + at.line() + ":" + at.column()
          : at.file() + ":" + at.line() + ":" + at.column();
      return "`" + name + "` = " + value + " at " + where;
    }
  }

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
    return within(at, outer);
  }

  private static boolean within(SourceSpan at, SourceSpan outer) {
    if (!at.isKnown() || outer == null || !outer.isKnown() || !at.file().equals(outer.file())) {
      return false;
    }
    boolean startsAfter = at.line() > outer.line() || at.line() == outer.line() && at.column() >= outer.column();
    boolean endsBefore = at.endLine() < outer.endLine()
        || at.endLine() == outer.endLine() && at.endColumn() <= outer.endColumn();
    return startsAfter && endsBefore;
  }

  /**
   * {@code `d / heads` is 64 / 5, rounded down to 12: ...}, with where each number was set and the
   * counts that do divide.
   */
  String help(String text) {
    List<String> divisors = new ArrayList<>();
    for (long k = 1; k <= dividend && divisors.size() < 12; k++) {
      if (dividend % k == 0) {
        divisors.add(Long.toString(k));
      }
    }
    return "`" + text + "` is " + dividend + " / " + divisor + ", rounded down to " + Math.floorDiv(dividend, divisor)
        + ": " + divisor + " does not divide " + dividend + settings() + "; a count that does: "
        + String.join(", ", divisors);
  }

  /** {@code  (`d` = 64 at line 9:22, `heads` = 5 at line 9:26)}, or nothing when neither was set elsewhere. */
  private String settings() {
    List<String> parts = new ArrayList<>();
    for (Setting s : settingsKnown()) {
      parts.add(s.describe(at));
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  /** The operands' settings that are known, dividend first. */
  List<Setting> settingsKnown() {
    List<Setting> known = new ArrayList<>();
    if (dividendSet != null) {
      known.add(dividendSet);
    }
    if (divisorSet != null) {
      known.add(divisorSet);
    }
    return known;
  }
}
