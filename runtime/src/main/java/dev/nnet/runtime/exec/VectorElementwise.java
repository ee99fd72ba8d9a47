package dev.nnet.runtime.exec;

import dev.nnet.ir.BinaryFn;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The rows of the hottest elementwise kernels with the Vector API: comparisons and {@code where}
 * (ReLU and its gradient), which HotSpot compiles to a branch per element (several ns each on
 * random signs), and arithmetic at offsets, which C2 does not vectorize. Branch-free blends and
 * masks run them at memory speed.
 *
 * <p>Like {@link VectorSgemm}, only loaded when {@link MatMulKernel#VECTOR} says the module is
 * present; nothing else may refer to it. Every method covers one row; the caller picks the row's
 * case and falls back to its plain loops for the rest.
 */
final class VectorElementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorElementwise() {}

  /**
   * {@code y[o + i] = fn(a[ia + i], b[ib + i * sb])} for {@code sb} 0 (a scalar b) or 1, for
   * arithmetic and comparisons (giving 1 or 0); false, doing nothing, for other functions.
   * Each function has its own loop: the Vector API compiles an operator to an instruction only
   * when it is a constant.
   */
  static boolean row(BinaryFn fn, float[] a, int ia, float[] b, int ib, int sb, float[] y, int o, int n) {
    int bound = S.loopBound(n);
    float s = b[ib];
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    // A scalar and a vector right operand get loops of their own: a vector chosen inside the loop
    // makes C2 box it on every iteration.
    switch (fn) {
      case ADD -> {
        if (sb == 0) {
          for (; i < bound; i += L) load(a, ia + i).add(s).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) load(a, ia + i).add(load(b, ib + i)).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] + b[ib + i * sb];
      }
      case SUB -> {
        if (sb == 0) {
          for (; i < bound; i += L) load(a, ia + i).sub(s).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) load(a, ia + i).sub(load(b, ib + i)).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] - b[ib + i * sb];
      }
      case MUL -> {
        if (sb == 0) {
          for (; i < bound; i += L) load(a, ia + i).mul(s).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) load(a, ia + i).mul(load(b, ib + i)).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] * b[ib + i * sb];
      }
      case DIV -> {
        if (sb == 0) {
          for (; i < bound; i += L) load(a, ia + i).div(s).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) load(a, ia + i).div(load(b, ib + i)).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] / b[ib + i * sb];
      }
      case GT -> {
        if (sb == 0) {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.GT, s)).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.GT, load(b, ib + i))).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] > b[ib + i * sb] ? 1f : 0f;
      }
      case GE -> {
        if (sb == 0) {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.GE, s)).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.GE, load(b, ib + i))).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] >= b[ib + i * sb] ? 1f : 0f;
      }
      case LT -> {
        if (sb == 0) {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.LT, s)).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.LT, load(b, ib + i))).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] < b[ib + i * sb] ? 1f : 0f;
      }
      case LE -> {
        if (sb == 0) {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.LE, s)).intoArray(y, o + i);
        } else {
          for (; i < bound; i += L) zero.blend(one, load(a, ia + i).compare(VectorOperators.LE, load(b, ib + i))).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = a[ia + i] <= b[ib + i * sb] ? 1f : 0f;
      }
      default -> {
        return false; // eq/ne (NaN rules), max/min (signed zeros), pow, logic: the plain loops
      }
    }
    return true;
  }

  private static FloatVector load(float[] a, int i) {
    return FloatVector.fromArray(S, a, i);
  }

  /**
   * {@code y[o + i] = c[ic + i] != 0 ? a[ia + i] : b[ib + i * sb]} for {@code sb} 0 (a scalar,
   * as in ReLU's {@code where(x > 0, x, 0)}) or 1.
   */
  static void where(float[] c, int ic, float[] a, int ia, float[] b, int ib, int sb, float[] y, int o, int n) {
    int bound = S.loopBound(n);
    int i = 0;
    if (sb == 0) {
      FloatVector other = FloatVector.broadcast(S, b[ib]);
      for (; i < bound; i += L) {
        VectorMask<Float> take = load(c, ic + i).compare(VectorOperators.NE, 0f);
        other.blend(load(a, ia + i), take).intoArray(y, o + i);
      }
    } else {
      for (; i < bound; i += L) {
        VectorMask<Float> take = load(c, ic + i).compare(VectorOperators.NE, 0f);
        load(b, ib + i).blend(load(a, ia + i), take).intoArray(y, o + i);
      }
    }
    for (; i < n; i++) {
      y[o + i] = c[ic + i] != 0f ? a[ia + i] : b[ib + i * sb];
    }
  }
}
