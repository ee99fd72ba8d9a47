package dev.nnet.check;

import dev.nnet.ir.Dim;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Two arguments declared with the same variadic shape ({@code mse(prediction: [*S], target: [*S])})
 * that differ: what NumPy broadcasting would have made of them, and the edit that makes them agree.
 * Losses declare their operands this way because a prediction {@code [N, 1]} against a target
 * {@code [N]} broadcasts to {@code [N, N]} and silently trains on the wrong numbers.
 *
 * @param callee the function called
 * @param first the parameter that bound the shape, its argument's source text and its dims
 * @param second the parameter that disagrees, its argument's source text and its dims
 */
record SameShapeMismatch(String callee, Side first, Side second) {

  /** One argument: its parameter's name, its source text (null when unknown), its dims and where it is. */
  record Side(String param, String text, List<Dim> dims, SourceSpan at) {}

  /** {@code `prediction` is [N, 1] but `target` is [N]; they would broadcast to [N, N]}. */
  String detail() {
    String s = "`" + first.param() + "` is " + dimsText(first.dims()) + " but `" + second.param() + "` is "
        + dimsText(second.dims());
    List<Dim> b = broadcast(first.dims(), second.dims());
    if (b != null && !b.equals(first.dims()) && !b.equals(second.dims())) {
      s += "; they would broadcast to " + dimsText(b);
    }
    return s;
  }

  /** The fix when one is knowable, else null (never a guess). */
  String help() {
    Side longer = first.dims().size() > second.dims().size() ? first : second;
    Side shorter = longer == first ? second : first;
    if (longer.dims().size() != shorter.dims().size() + 1
        || !longer.dims().subList(0, shorter.dims().size()).equals(shorter.dims())) {
      return null;
    }
    Dim extra = longer.dims().get(longer.dims().size() - 1);
    String x = longer.text() == null ? longer.param() : longer.text();
    if (extra.isConstant() && extra.constant() == 1) {
      return "drop the last axis of size 1: write `squeeze(" + x + ", -1)` (or `" + OperandFix.operand(x) + "[..., 0]`), so both are "
          + dimsText(shorter.dims());
    }
    if (callee.startsWith("binary_cross_entropy") && longer == first) {
      return "a binary loss takes one value per row: give the model one output (`Linear(..., 1)`) and `squeeze(..., -1)` it,"
          + " or, for " + extra + " classes with one logit each, use `cross_entropy(" + x + ", cast("
          + (shorter.text() == null ? shorter.param() : shorter.text()) + ", i64))`";
    }
    return null;
  }

  /** Right-aligned broadcasting of the two shapes, or null when they do not broadcast. */
  private static List<Dim> broadcast(List<Dim> a, List<Dim> b) {
    int rank = Math.max(a.size(), b.size());
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      Dim x = i < rank - a.size() ? Dim.of(1) : a.get(i - (rank - a.size()));
      Dim y = i < rank - b.size() ? Dim.of(1) : b.get(i - (rank - b.size()));
      if (x.equals(y) || isOne(y)) {
        out.add(x);
      } else if (isOne(x)) {
        out.add(y);
      } else {
        return null;
      }
    }
    return out;
  }

  private static boolean isOne(Dim d) {
    return d.isConstant() && d.constant() == 1;
  }

  static String dimsText(List<Dim> dims) {
    return "[" + String.join(", ", dims.stream().map(Dim::toString).toList()) + "]";
  }
}
