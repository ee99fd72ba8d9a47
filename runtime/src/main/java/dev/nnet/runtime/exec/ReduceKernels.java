package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.ir.ReduceFn;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Reductions over a set of axes ({@code sum}, {@code mean}, {@code max}) and {@code argmax}.
 *
 * <p>Sums accumulate in double, so the oracle is more accurate than float pairwise summation,
 * never less. {@code max} propagates NaN (as PyTorch does) and fails on an empty axis.
 */
public final class ReduceKernels {
  private ReduceKernels() {}

  /** Reduces {@code x} (f32) over {@code axes}; reduced axes are dropped, or kept as size 1 if {@code keepDims}. */
  public static Tensor reduce(ReduceFn fn, Tensor x, List<Integer> axes, boolean keepDims, Allocator pool) {
    ElementwiseKernels.requireDType("reduce_" + fn.text(), x, DType.F32);
    int[] shape = x.shape();
    boolean[] reduced = new boolean[shape.length];
    for (int a : axes) {
      if (a < 0 || a >= shape.length) {
        throw new ExecutionError("axis " + a + " is out of range for a tensor of shape " + Arrays.toString(shape));
      }
      reduced[a] = true;
    }
    // Output strides seen from the input's axes: 0 on reduced axes, so all of them land on one element.
    int[] outShapeKept = new int[shape.length];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      outShapeKept[i] = reduced[i] ? 1 : shape[i];
      count *= reduced[i] ? shape[i] : 1;
    }
    int[] outStrides = Broadcast.strides(outShapeKept, shape);
    int outN = Math.toIntExact(Tensor.numel(outShapeKept));
    if (fn == ReduceFn.MAX && count == 0 && outN > 0) {
      throw new ExecutionError("max over an empty axis of a tensor of shape " + Arrays.toString(shape));
    }
    StridedLoop loop = new StridedLoop(shape, Broadcast.contiguous(shape), outStrides);
    float[] in = x.floats();
    int len = loop.rowLength();
    int chunks = Parallel.chunks(loop.rows(), Math.max(1, ElementwiseKernels.GRAIN / Math.max(1, len)));
    // Each chunk of rows gets private accumulators (rows of different chunks may share outputs).
    double[][] partial = new double[chunks][];
    Parallel.forRange(chunks, 1, (c0, c1) -> {
      for (int c = c0; c < c1; c++) {
        int from = (int) ((long) loop.rows() * c / chunks);
        int to = (int) ((long) loop.rows() * (c + 1) / chunks);
        partial[c] = accumulate(fn, in, loop, from, to, outN);
      }
    });
    double[] acc = partial[0];
    for (int c = 1; c < chunks; c++) {
      for (int i = 0; i < outN; i++) {
        acc[i] = fn == ReduceFn.MAX ? max(acc[i], partial[c][i]) : acc[i] + partial[c][i];
      }
    }
    float[] out = pool.take(outN);
    for (int i = 0; i < outN; i++) {
      out[i] = (float) (fn == ReduceFn.MEAN ? acc[i] / count : acc[i]);
    }
    return Tensor.of(out, keepDims ? outShapeKept : dropAxes(shape, reduced));
  }

  private static double[] accumulate(ReduceFn fn, float[] in, StridedLoop loop, int from, int to, int outN) {
    boolean isMax = fn == ReduceFn.MAX;
    double[] acc = new double[outN];
    if (isMax) {
      Arrays.fill(acc, Double.NEGATIVE_INFINITY);
    }
    int len = loop.rowLength();
    int si = loop.rowStride(0);
    int so = loop.rowStride(1);
    int[] off = new int[2];
    for (int r = from; r < to; r++) {
      loop.offsets(r, off);
      int i0 = off[0];
      int o0 = off[1];
      if (so == 0) { // the row is reduced into one output element
        double s = acc[o0];
        if (isMax) {
          for (int i = 0; i < len; i++) {
            s = max(s, in[i0 + i * si]);
          }
        } else {
          for (int i = 0; i < len; i++) {
            s += in[i0 + i * si];
          }
        }
        acc[o0] = s;
      } else if (isMax) { // the row maps onto a row of outputs
        for (int i = 0; i < len; i++) {
          acc[o0 + i * so] = max(acc[o0 + i * so], in[i0 + i * si]);
        }
      } else {
        for (int i = 0; i < len; i++) {
          acc[o0 + i * so] += in[i0 + i * si];
        }
      }
    }
    return acc;
  }

  /** Max that propagates NaN. */
  private static double max(double a, double b) {
    return a >= b || Double.isNaN(a) ? a : b;
  }

  private static int[] dropAxes(int[] shape, boolean[] reduced) {
    return java.util.stream.IntStream.range(0, shape.length).filter(i -> !reduced[i]).map(i -> shape[i]).toArray();
  }

  /**
   * The index of the largest element along {@code axis}, as i64, with the axis removed. Ties go to
   * the first index, and a NaN counts as the largest value (both as PyTorch).
   */
  public static Tensor argMax(Tensor x, int axis) {
    ElementwiseKernels.requireDType("argmax", x, DType.F32);
    int[] shape = x.shape();
    if (axis < 0 || axis >= shape.length) {
      throw new ExecutionError("axis " + axis + " is out of range for a tensor of shape " + Arrays.toString(shape));
    }
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    int n = shape[axis];
    int[] outShape = dropAxes(shape, axisMask(shape.length, axis));
    if (n == 0 && outer * inner > 0) {
      throw new ExecutionError("argmax over an empty axis of a tensor of shape " + Arrays.toString(shape));
    }
    float[] in = x.floats();
    long[] out = new long[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * n * inner + j;
        float best = in[base];
        int bestAt = 0;
        for (int i = 1; i < n && !Float.isNaN(best); i++) {
          float v = in[base + i * inner];
          if (v > best || Float.isNaN(v)) {
            best = v;
            bestAt = i;
          }
        }
        out[o * inner + j] = bestAt;
      }
    }
    return Tensor.ofLongs(out, outShape);
  }

  private static boolean[] axisMask(int rank, int axis) {
    boolean[] m = new boolean[rank];
    m[axis] = true;
    return m;
  }
}
