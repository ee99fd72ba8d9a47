package dev.nnet.check;

import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The edit that makes the operands of {@code @} or an elementwise operator fit, when it is knowable
 * from their types alone (null otherwise: a help line is never a guess). Each operand comes with its
 * source text, so the help can be copied as it is.
 */
final class OperandFix {
  private OperandFix() {}

  /** {@code a @ b} whose inner dims differ: a transpose of one operand when that makes them agree. */
  static String matmul(Val.Tensor a, String aText, Val.Tensor b, String bText) {
    Shape x = a.value().shape();
    Shape y = b.value().shape();
    if (x.rank() < 2 || y.rank() < 2) {
      return null;
    }
    Dim k = x.dim(x.rank() - 1);
    if (k.equals(y.dim(y.rank() - 1))) {
      return "transpose the right operand: `" + aText + " @ " + operand(bText) + ".T`";
    }
    if (x.dim(x.rank() - 2).equals(y.dim(y.rank() - 2))) {
      return "transpose the left operand: `" + operand(aText) + ".T @ " + bText + "`";
    }
    return null;
  }

  /**
   * Operands that do not broadcast or differ in dtype: an axis lost by a reduction (the smaller
   * shape is the larger with one inner axis removed), or an i64 or bool operand in float arithmetic.
   */
  static String elementwise(String op, boolean arithmetic, Val.Tensor a, String aText, Val.Tensor b, String bText) {
    DType da = a.value().dtype();
    DType db = b.value().dtype();
    if (da != db) {
      // In float arithmetic the integer or bool side is what converts (a mask, counts); never the floats.
      if (arithmetic && da == DType.F32) {
        return "convert it first: `" + aText + " " + op + " cast(" + bText + ", f32)`";
      }
      if (arithmetic && db == DType.F32) {
        return "convert it first: `cast(" + aText + ", f32) " + op + " " + bText + "`";
      }
      return null;
    }
    Shape x = a.value().shape();
    Shape y = b.value().shape();
    boolean leftLarger = x.rank() == y.rank() + 1;
    Shape large = leftLarger ? x : y;
    Shape small = leftLarger ? y : x;
    String smallText = leftLarger ? bText : aText;
    if (large.rank() != small.rank() + 1) {
      return null;
    }
    // Removing the last axis is what a reduction without keepdims does; removing the first would broadcast anyway.
    for (int axis = 1; axis < large.rank(); axis++) {
      List<Dim> dims = new ArrayList<>(large.dims());
      dims.remove(axis);
      if (dims.equals(small.dims())) {
        List<Dim> kept = new ArrayList<>(small.dims());
        kept.add(axis, Dim.of(1));
        return "keep the reduced axis: `unsqueeze(" + smallText + ", " + axis + ")` is " + new Shape(kept)
            + " and broadcasts (or pass `keepdims = true` to the reduction that made it)";
      }
    }
    return null;
  }

  /** Parenthesizes an operand for a postfix edit ({@code .T}, {@code [..., 0]}) unless it is a name, a call or a member. */
  static String operand(String text) {
    // One call without nested parentheses at most: `f(a) + g(b)` is not a call and gets parenthesized.
    return text.matches("[A-Za-z_][A-Za-z_0-9.]*(\\([^()]*\\))?") ? text : "(" + text + ")";
  }
}
