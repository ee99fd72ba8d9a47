package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Kernels that move elements without computing on them: permute, expand, slice and concat. (Reshape
 * needs no kernel: it shares the data, see {@link Tensor#reshape}.) They work on every dtype.
 */
public final class MovementKernels {
  private MovementKernels() {}

  /** Reorders axes: output axis i is input axis {@code order.get(i)}. */
  public static Tensor permute(Tensor x, List<Integer> order, Allocator pool) {
    int[] in = x.shape();
    if (order.size() != in.length) {
      throw new ExecutionError("permutation " + order + " does not fit a tensor of shape " + Arrays.toString(in));
    }
    int[] inStrides = Broadcast.contiguous(in);
    int[] outShape = new int[in.length];
    int[] readStrides = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      outShape[i] = in[order.get(i)];
      readStrides[i] = inStrides[order.get(i)];
    }
    return gatherStrided(x, outShape, readStrides, pool);
  }

  /** Reverses the order of elements along each of {@code axes} (any dtype). */
  public static Tensor flip(Tensor x, List<Integer> axes, Allocator pool) {
    int[] shape = x.shape();
    int rank = shape.length;
    boolean[] flipped = new boolean[rank];
    for (int a : axes) {
      flipped[a] = true;
    }
    int n = x.size();
    int row = rank == 0 ? 1 : shape[rank - 1];
    int rows = row == 0 ? 0 : n / row;
    int[] strides = Broadcast.contiguous(shape);
    boolean lastFlipped = rank > 0 && flipped[rank - 1];
    boolean longs = x.dtype() == DType.I64;
    float[] outF = longs ? null : pool.take(n);
    long[] outL = longs ? new long[n] : null;
    for (int r = 0; r < rows; r++) {
      // The source row: each outer coordinate c of a flipped axis reads size - 1 - c.
      int src = 0;
      int rest = r;
      for (int d = rank - 2; d >= 0; d--) {
        int c = rest % shape[d];
        rest /= shape[d];
        src += (flipped[d] ? shape[d] - 1 - c : c) * strides[d];
      }
      int dst = r * row;
      for (int i = 0; i < row; i++) {
        int from = src + (lastFlipped ? row - 1 - i : i);
        if (longs) {
          outL[dst + i] = x.longs()[from];
        } else {
          outF[dst + i] = x.floats()[from];
        }
      }
    }
    return longs ? Tensor.ofLongs(outL, shape) : like(x, outF, shape);
  }

  /** Broadcasts to {@code target}: size-1 axes repeat and missing leading axes are added. */
  public static Tensor expand(Tensor x, int[] target, Allocator pool) {
    return gatherStrided(x, target, Broadcast.strides(x.shape(), target), pool);
  }

  /** A new contiguous tensor of shape {@code outShape} whose element at index i is read at {@code strides . i}. */
  private static Tensor gatherStrided(Tensor x, int[] outShape, int[] strides, Allocator pool) {
    StridedLoop loop = new StridedLoop(outShape, Broadcast.contiguous(outShape), strides);
    int n = Math.toIntExact(Tensor.numel(outShape));
    int len = loop.rowLength();
    int s = loop.rowStride(1);
    int grain = Math.max(1, ElementwiseKernels.GRAIN / Math.max(1, len));
    if (x.dtype() == DType.I64) {
      long[] src = x.longs();
      long[] out = new long[n];
      Parallel.forRange(loop.rows(), grain, (from, to) -> {
        int[] off = new int[2];
        for (int r = from; r < to; r++) {
          loop.offsets(r, off);
          for (int i = 0; i < len; i++) {
            out[off[0] + i] = src[off[1] + i * s];
          }
        }
      });
      return Tensor.ofLongs(out, outShape);
    }
    float[] src = x.floats();
    float[] out = pool.take(n);
    Parallel.forRange(loop.rows(), grain, (from, to) -> {
      int[] off = new int[2];
      for (int r = from; r < to; r++) {
        loop.offsets(r, off);
        if (s == 1) {
          System.arraycopy(src, off[1], out, off[0], len);
        } else {
          for (int i = 0; i < len; i++) {
            out[off[0] + i] = src[off[1] + i * s];
          }
        }
      }
    });
    return like(x, out, outShape);
  }

  /** Elements {@code start, start + step, ...} below {@code end} along {@code axis}. */
  public static Tensor slice(Tensor x, int axis, long start, long end, long step, Allocator pool) {
    int[] shape = x.shape();
    if (axis < 0 || axis >= shape.length) {
      throw new ExecutionError("axis " + axis + " is out of range for a tensor of shape " + Arrays.toString(shape));
    }
    if (step <= 0 || start < 0 || end < start || end > shape[axis]) {
      throw new ExecutionError("slice " + start + ".." + end + (step != 1 ? " step " + step : "")
          + " is out of range for axis " + axis + " of size " + shape[axis]);
    }
    int count = (int) ((end - start + step - 1) / step);
    int outer = prod(shape, 0, axis);
    int inner = prod(shape, axis + 1, shape.length);
    int[] outShape = shape.clone();
    outShape[axis] = count;
    int n = outer * count * inner;
    Object src = data(x);
    Object out = allocate(x.dtype(), n, pool);
    for (int o = 0; o < outer; o++) {
      if (step == 1) { // one contiguous run per outer index (a slice of the last axis is a row's middle)
        System.arraycopy(src, (o * shape[axis] + (int) start) * inner, out, o * count * inner, count * inner);
        continue;
      }
      for (int i = 0; i < count; i++) {
        int from = (o * shape[axis] + (int) (start + i * step)) * inner;
        System.arraycopy(src, from, out, (o * count + i) * inner, inner);
      }
    }
    return wrap(x.dtype(), out, outShape);
  }

  /** Joins tensors of one dtype along {@code axis}; all other dims must agree. */
  public static Tensor concat(List<Tensor> parts, int axis, Allocator pool) {
    if (parts.isEmpty()) {
      throw new ExecutionError("`concat` needs at least one tensor");
    }
    Tensor first = parts.get(0);
    int[] shape = first.shape();
    if (axis < 0 || axis >= shape.length) {
      throw new ExecutionError("axis " + axis + " is out of range for a tensor of shape " + Arrays.toString(shape));
    }
    int total = 0;
    for (Tensor t : parts) {
      int[] s = t.shape();
      boolean fits = s.length == shape.length && t.dtype() == first.dtype();
      for (int i = 0; fits && i < s.length; i++) {
        fits = i == axis || s[i] == shape[i];
      }
      if (!fits) {
        throw new ExecutionError("`concat` along axis " + axis + " cannot join " + first.dtype() + Arrays.toString(shape)
            + " and " + t.dtype() + Arrays.toString(s));
      }
      total += s[axis];
    }
    int outer = prod(shape, 0, axis);
    int inner = prod(shape, axis + 1, shape.length);
    int[] outShape = shape.clone();
    outShape[axis] = total;
    Object out = allocate(first.dtype(), outer * total * inner, pool);
    int at = 0;
    for (int o = 0; o < outer; o++) {
      for (Tensor t : parts) {
        int block = t.dim(axis) * inner;
        System.arraycopy(data(t), o * block, out, at, block);
        at += block;
      }
    }
    return wrap(first.dtype(), out, outShape);
  }

  static int prod(int[] shape, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= shape[i];
    }
    return p;
  }

  /** The backing array, {@code float[]} or {@code long[]}, for {@link System#arraycopy}. */
  static Object data(Tensor t) {
    return t.dtype() == DType.I64 ? t.longs() : t.floats();
  }

  static Object allocate(DType dtype, int n, Allocator pool) {
    return dtype == DType.I64 ? new long[n] : pool.take(n);
  }

  static Tensor wrap(DType dtype, Object data, int[] shape) {
    return switch (dtype) {
      case F32 -> Tensor.of((float[]) data, shape);
      case BOOL -> Tensor.ofBool((float[]) data, shape);
      case I64 -> Tensor.ofLongs((long[]) data, shape);
    };
  }

  private static Tensor like(Tensor x, float[] data, int[] shape) {
    return x.dtype() == DType.BOOL ? Tensor.ofBool(data, shape) : Tensor.of(data, shape);
  }
}
