package dev.nnet.runtime.exec;

import java.util.Arrays;

/** NumPy broadcasting on concrete shapes: the result shape, and strides that read an operand broadcast. */
final class Broadcast {
  private Broadcast() {}

  /** The broadcast shape of {@code a} and {@code b} (aligned from the right; dims equal or 1). */
  static int[] shape(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int ia = a.length - rank + i;
      int ib = b.length - rank + i;
      int da = ia >= 0 ? a[ia] : 1;
      int db = ib >= 0 ? b[ib] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new ExecutionError("cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /**
   * Element strides that read a row-major tensor of shape {@code operand} as if it had shape
   * {@code out}: 0 on axes where the operand has size 1 or is missing, so it repeats there.
   */
  static int[] strides(int[] operand, int[] out) {
    int[] s = new int[out.length];
    int stride = 1;
    for (int i = operand.length - 1; i >= 0; i--) {
      int o = out.length - operand.length + i;
      if (operand[i] != 1 && operand[i] != out[o]) {
        throw new ExecutionError("cannot broadcast " + Arrays.toString(operand) + " to " + Arrays.toString(out));
      }
      s[o] = operand[i] == 1 ? 0 : stride;
      stride *= operand[i];
    }
    return s;
  }

  /** Row-major strides of a contiguous tensor. */
  static int[] contiguous(int[] shape) {
    int[] s = new int[shape.length];
    int stride = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = stride;
      stride *= shape[i];
    }
    return s;
  }
}
