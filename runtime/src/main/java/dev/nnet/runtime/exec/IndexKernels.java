package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/** Kernels driven by i64 indices: one-hot encoding, gather (embedding lookup) and its adjoint scatter-add. */
public final class IndexKernels {
  private IndexKernels() {}

  /** i64 class indices {@code [*]} to f32 one-hot rows {@code [*, classes]}; an index outside {@code [0, classes)} fails. */
  public static Tensor oneHot(Tensor indices, long classes, Allocator pool) {
    ElementwiseKernels.requireDType("one_hot", indices, DType.I64);
    int c = Math.toIntExact(classes);
    long[] idx = indices.longs();
    float[] out = pool.takeZeroed(Math.multiplyExact(idx.length, c));
    for (int i = 0; i < idx.length; i++) {
      out[i * c + checkIndex("one_hot", idx[i], c, i)] = 1f;
    }
    int[] shape = Arrays.copyOf(indices.shape(), indices.rank() + 1);
    shape[indices.rank()] = c;
    return Tensor.of(out, shape);
  }

  /** Rows of {@code table [V, ...]} picked by {@code indices [*]}: a {@code [*, ...]} tensor of the table's dtype. */
  public static Tensor gather(Tensor table, Tensor indices, Allocator pool) {
    ElementwiseKernels.requireDType("gather", indices, DType.I64);
    if (table.rank() < 1) {
      throw new ExecutionError("`gather` needs a table of rank 1 or more, got a scalar");
    }
    int[] ts = table.shape();
    int rows = ts[0];
    int rowLen = MovementKernels.prod(ts, 1, ts.length);
    long[] idx = indices.longs();
    Object src = MovementKernels.data(table);
    Object out = MovementKernels.allocate(table.dtype(), Math.multiplyExact(idx.length, rowLen), pool);
    for (int i = 0; i < idx.length; i++) {
      int r = checkIndex("gather", idx[i], rows, i);
      System.arraycopy(src, r * rowLen, out, i * rowLen, rowLen);
    }
    int[] shape = new int[indices.rank() + ts.length - 1];
    System.arraycopy(indices.shape(), 0, shape, 0, indices.rank());
    System.arraycopy(ts, 1, shape, indices.rank(), ts.length - 1);
    return MovementKernels.wrap(table.dtype(), out, shape);
  }

  /**
   * Sums the rows of {@code values [*, ...]} into a zero {@code [rows, ...]} tensor at
   * {@code indices [*]}: the gradient of {@link #gather}. Repeated indices add up.
   */
  public static Tensor scatterAdd(Tensor values, Tensor indices, int rows, Allocator pool) {
    ElementwiseKernels.requireDType("scatter_add", indices, DType.I64);
    int[] vs = values.shape();
    int[] is = indices.shape();
    if (vs.length < is.length || !Arrays.equals(Arrays.copyOf(vs, is.length), is)) {
      throw new ExecutionError("`scatter_add` needs values whose leading dims are the index shape "
          + Arrays.toString(is) + ", got " + Arrays.toString(vs));
    }
    int rowLen = MovementKernels.prod(vs, is.length, vs.length);
    long[] idx = indices.longs();
    int[] shape = new int[1 + vs.length - is.length];
    shape[0] = rows;
    System.arraycopy(vs, is.length, shape, 1, vs.length - is.length);
    int n = Math.multiplyExact(rows, rowLen);
    if (values.dtype() == DType.I64) {
      long[] v = values.longs();
      long[] out = new long[n];
      for (int i = 0; i < idx.length; i++) {
        int base = checkIndex("scatter_add", idx[i], rows, i) * rowLen;
        for (int j = 0; j < rowLen; j++) {
          out[base + j] += v[i * rowLen + j];
        }
      }
      return Tensor.ofLongs(out, shape);
    }
    ElementwiseKernels.requireDType("scatter_add", values, DType.F32);
    float[] v = values.floats();
    float[] out = pool.takeZeroed(n);
    for (int i = 0; i < idx.length; i++) {
      int base = checkIndex("scatter_add", idx[i], rows, i) * rowLen;
      for (int j = 0; j < rowLen; j++) {
        out[base + j] += v[i * rowLen + j];
      }
    }
    return Tensor.of(out, shape);
  }

  private static int checkIndex(String what, long index, int size, int position) {
    if (index < 0 || index >= size) {
      throw new ExecutionError("`" + what + "` index " + index + " (at flat position " + position
          + ") is out of range [0, " + size + ")");
    }
    return (int) index;
  }
}
