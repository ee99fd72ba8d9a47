package dev.nnet.runtime.exec;

import dev.nnet.ir.Erf;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;

/**
 * Elementwise kernels: unary math, binary arithmetic and comparisons with NumPy broadcasting,
 * {@code where}, and dtype casts. Each kernel picks its function once per row (not per element)
 * so the inner loops stay simple enough for the JIT to vectorize.
 */
public final class ElementwiseKernels {
  /** Elements per thread below which a loop is not worth splitting. */
  static final int GRAIN = 1 << 15;

  private ElementwiseKernels() {}

  // ---- unary ----------------------------------------------------------------------------------

  /** {@code fn(x)} elementwise on an f32 tensor. */
  public static Tensor unary(UnaryFn fn, Tensor x, Allocator pool) {
    requireDType(fn.text(), x, DType.F32);
    float[] in = x.floats();
    float[] out = pool.take(in.length);
    Parallel.forRange(in.length, GRAIN, (from, to) -> unaryRange(fn, in, out, from, to));
    return Tensor.of(out, x.shape());
  }

  /** The scalar meaning is {@link UnaryFn#apply}, written once in the IR; this only loops. */
  private static void unaryRange(UnaryFn fn, float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] = fn.apply(x[i]);
    }
  }

  // ---- binary ---------------------------------------------------------------------------------

  /**
   * {@code fn(a, b)} with NumPy broadcasting. Both operands have one dtype. f32 and i64 support all
   * arithmetic and comparisons; comparisons give bool. bool supports {@code and}, {@code or},
   * comparisons, and arithmetic whose result is normalized back to 0/1. i64 {@code div} floors
   * (like {@code //} in Python) and fails on division by zero.
   */
  public static Tensor binary(BinaryFn fn, Tensor a, Tensor b, Allocator pool) {
    if (a.dtype() != b.dtype()) {
      throw new ExecutionError("`" + fn.text() + "` needs operands of one dtype, got " + a.dtype() + " and " + b.dtype());
    }
    if (fn.isLogical() && a.dtype() != DType.BOOL) {
      throw new ExecutionError("`" + fn.text() + "` needs bool operands, got " + a.dtype());
    }
    int[] shape = Broadcast.shape(a.shape(), b.shape());
    StridedLoop loop = new StridedLoop(shape, Broadcast.contiguous(shape),
        Broadcast.strides(a.shape(), shape), Broadcast.strides(b.shape(), shape));
    int n = Math.toIntExact(Tensor.numel(shape));
    int len = loop.rowLength();
    int grain = Math.max(1, GRAIN / Math.max(1, len));
    if (a.dtype() == DType.I64) {
      long[] x = a.longs();
      long[] y = b.longs();
      if (fn.isComparison()) {
        float[] out = pool.take(n);
        forRows(loop, grain, (o, ia, ib) -> compareLongRow(fn, x, ia, loop.rowStride(1), y, ib, loop.rowStride(2), out, o, len));
        return Tensor.ofBool(out, shape);
      }
      long[] out = new long[n];
      forRows(loop, grain, (o, ia, ib) -> longRow(fn, x, ia, loop.rowStride(1), y, ib, loop.rowStride(2), out, o, len));
      return Tensor.ofLongs(out, shape);
    }
    float[] x = a.floats();
    float[] y = b.floats();
    float[] out = pool.take(n);
    forRows(loop, grain, (o, ia, ib) -> floatRow(fn, x, ia, loop.rowStride(1), y, ib, loop.rowStride(2), out, o, len));
    if (fn.isComparison() || a.dtype() == DType.BOOL) {
      if (a.dtype() == DType.BOOL && !fn.isComparison()) {
        for (int i = 0; i < n; i++) {
          out[i] = out[i] != 0f ? 1f : 0f; // bool arithmetic: true + true is true
        }
      }
      return Tensor.ofBool(out, shape);
    }
    return Tensor.of(out, shape);
  }

  /** One row of a three-operand loop: output offset and the two input offsets. */
  @FunctionalInterface
  private interface Row3 {
    void run(int out, int a, int b);
  }

  private static void forRows(StridedLoop loop, int grain, Row3 row) {
    Parallel.forRange(loop.rows(), grain, (from, to) -> {
      int[] off = new int[3];
      for (int r = from; r < to; r++) {
        loop.offsets(r, off);
        row.run(off[0], off[1], off[2]);
      }
    });
  }

  private static void floatRow(BinaryFn fn, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] y, int o, int n) {
    if (sa == 1 && (sb == 1 || sb == 0)) {
      if (VectorApi.AVAILABLE ? VectorElementwise.row(fn, a, ia, b, ib, sb, y, o, n)
          : unitStrideRow(fn, a, ia, b, ib, sb, y, o, n)) {
        return;
      }
    }
    for (int i = 0; i < n; i++) {
      y[o + i] = fn.apply(a[ia + i * sa], b[ib + i * sb]); // the one definition, in BinaryFn
    }
  }

  /**
   * The common rows, unit stride on the left and unit stride or a scalar on the right, in loops
   * C2 vectorizes: with no offsets when the row starts every array (a whole same-shape or
   * tensor-scalar op), since C2 does not vectorize a store and a load of possibly the same array at
   * different offsets. Returns false for functions it does not cover.
   */
  private static boolean unitStrideRow(BinaryFn fn, float[] a, int ia, float[] b, int ib, int sb, float[] y, int o,
      int n) {
    boolean zero = ia == 0 && o == 0 && (sb == 0 || ib == 0);
    if (sb == 0) {
      float s = b[ib];
      switch (fn) {
        case ADD -> {
          if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] + s; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] + s; }
        }
        case SUB -> {
          if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] - s; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] - s; }
        }
        case MUL -> {
          if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] * s; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] * s; }
        }
        case DIV -> {
          if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] / s; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] / s; }
        }
        case GT -> {
          if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] > s ? 1f : 0f; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] > s ? 1f : 0f; }
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    switch (fn) {
      case ADD -> {
        if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] + b[i]; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] + b[ib + i]; }
      }
      case SUB -> {
        if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] - b[i]; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] - b[ib + i]; }
      }
      case MUL -> {
        if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] * b[i]; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] * b[ib + i]; }
      }
      case DIV -> {
        if (zero) { for (int i = 0; i < n; i++) y[i] = a[i] / b[i]; } else { for (int i = 0; i < n; i++) y[o + i] = a[ia + i] / b[ib + i]; }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void longRow(BinaryFn fn, long[] a, int ia, int sa, long[] b, int ib, int sb, long[] y, int o, int n) {
    try {
      for (int i = 0; i < n; i++) {
        y[o + i] = fn.applyLong(a[ia + i * sa], b[ib + i * sb]);
      }
    } catch (ArithmeticException e) {
      throw new ExecutionError(e.getMessage());
    }
  }

  private static void compareLongRow(BinaryFn fn, long[] a, int ia, int sa, long[] b, int ib, int sb, float[] y, int o, int n) {
    for (int i = 0; i < n; i++) {
      y[o + i] = fn.applyLong(a[ia + i * sa], b[ib + i * sb]) != 0 ? 1f : 0f;
    }
  }

  // ---- where ----------------------------------------------------------------------------------

  /** {@code cond ? a : b} elementwise, all three broadcast; {@code cond} is bool, a and b share a dtype. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b, Allocator pool) {
    requireDType("where", cond, DType.BOOL);
    if (a.dtype() != b.dtype()) {
      throw new ExecutionError("`where` needs branches of one dtype, got " + a.dtype() + " and " + b.dtype());
    }
    int[] shape = Broadcast.shape(Broadcast.shape(cond.shape(), a.shape()), b.shape());
    StridedLoop loop = new StridedLoop(shape, Broadcast.contiguous(shape), Broadcast.strides(cond.shape(), shape),
        Broadcast.strides(a.shape(), shape), Broadcast.strides(b.shape(), shape));
    int n = Math.toIntExact(Tensor.numel(shape));
    int len = loop.rowLength();
    int sc = loop.rowStride(1);
    int sa = loop.rowStride(2);
    int sb = loop.rowStride(3);
    float[] c = cond.floats();
    boolean longs = a.dtype() == DType.I64;
    float[] outF = longs ? null : pool.take(n);
    long[] outL = longs ? new long[n] : null;
    Parallel.forRange(loop.rows(), Math.max(1, GRAIN / Math.max(1, len)), (from, to) -> {
      int[] off = new int[4];
      for (int r = from; r < to; r++) {
        loop.offsets(r, off);
        if (longs) {
          long[] x = a.longs();
          long[] y = b.longs();
          for (int i = 0; i < len; i++) {
            outL[off[0] + i] = c[off[1] + i * sc] != 0f ? x[off[2] + i * sa] : y[off[3] + i * sb];
          }
        } else {
          float[] x = a.floats();
          float[] y = b.floats();
          if (VectorApi.AVAILABLE && sc == 1 && sa == 1 && (sb == 0 || sb == 1)) { // relu and its gradient
            VectorElementwise.where(c, off[1], x, off[2], y, off[3], sb, outF, off[0], len);
          } else if (sc == 1 && sa == 1 && sb == 0) { // relu: where(x > 0, x, 0)
            int o = off[0];
            int ic = off[1];
            int ia = off[2];
            float z = y[off[3]];
            for (int i = 0; i < len; i++) {
              outF[o + i] = c[ic + i] != 0f ? x[ia + i] : z;
            }
          } else if (sc == 1 && sa == 1 && sb == 1) { // its gradient: where(x > 0, dy, 0)
            int o = off[0];
            int ic = off[1];
            int ia = off[2];
            int ib = off[3];
            for (int i = 0; i < len; i++) {
              outF[o + i] = c[ic + i] != 0f ? x[ia + i] : y[ib + i];
            }
          } else {
            for (int i = 0; i < len; i++) {
              outF[off[0] + i] = c[off[1] + i * sc] != 0f ? x[off[2] + i * sa] : y[off[3] + i * sb];
            }
          }
        }
      }
    });
    if (longs) {
      return Tensor.ofLongs(outL, shape);
    }
    return a.dtype() == DType.BOOL ? Tensor.ofBool(outF, shape) : Tensor.of(outF, shape);
  }

  // ---- cast -----------------------------------------------------------------------------------

  /**
   * Converts to {@code to}. f32 to i64 truncates toward zero (as PyTorch); anything to bool is
   * "not zero". Casting to the same dtype, or bool to f32 (both 0/1 floats), shares the data.
   */
  public static Tensor cast(Tensor x, DType to, Allocator pool) {
    DType from = x.dtype();
    int[] shape = x.shape();
    if (from == to) {
      return x;
    }
    if (from == DType.BOOL && to == DType.F32) {
      return Tensor.of(x.floats(), shape);
    }
    int n = x.size();
    switch (to) {
      case I64 -> {
        long[] out = new long[n];
        float[] in = x.floats();
        for (int i = 0; i < n; i++) {
          out[i] = (long) in[i];
        }
        return Tensor.ofLongs(out, shape);
      }
      case BOOL -> {
        float[] out = pool.take(n);
        if (from == DType.I64) {
          long[] in = x.longs();
          for (int i = 0; i < n; i++) {
            out[i] = in[i] != 0 ? 1f : 0f;
          }
        } else {
          float[] in = x.floats();
          for (int i = 0; i < n; i++) {
            out[i] = in[i] != 0f ? 1f : 0f; // NaN is not zero, so true, as in PyTorch
          }
        }
        return Tensor.ofBool(out, shape);
      }
      default -> { // I64 -> F32
        float[] out = pool.take(n);
        long[] in = x.longs();
        for (int i = 0; i < n; i++) {
          out[i] = in[i];
        }
        return Tensor.of(out, shape);
      }
    }
  }

  static void requireDType(String what, Tensor t, DType want) {
    if (t.dtype() != want) {
      throw new ExecutionError("`" + what + "` needs " + want + " values, got " + t.dtype());
    }
  }
}
