package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.ir.PadMode;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/**
 * Padding of every axis, with the four modes of PyTorch's {@code torch.nn.functional.pad}, and its
 * adjoint.
 *
 * <p>Every padded cell copies one source cell (or is the constant), and the source index along
 * each axis depends only on the index along that axis. So each axis gets a map from padded to
 * source index ({@code -1} for the constant), and a row of the result is one arraycopy of the
 * source row with the few edge cells filled from the map.
 */
public final class PadKernels {
  private PadKernels() {}

  /**
   * Pads axis i of {@code x} by {@code before[i]} and {@code after[i]} cells (non-negative, one per
   * axis): {@link PadMode#CONSTANT} fills {@code value}; {@link PadMode#REFLECT} mirrors without
   * repeating the edge (each pad must be less than the axis size); {@link PadMode#REPLICATE} repeats
   * the edge; {@link PadMode#CIRCULAR} wraps around (each pad at most the axis size). Exactly
   * {@code torch.nn.functional.pad}.
   */
  public static Tensor pad(Tensor x, int[] before, int[] after, PadMode mode, float value, Allocator pool) {
    ElementwiseKernels.requireDType("pad", x, DType.F32);
    int[] in = x.shape();
    int[] out = paddedShape(in, before, after);
    int[][] maps = sourceMaps("pad", in, before, after, mode);
    float[] src = x.floats();
    float[] dst = pool.take(Math.toIntExact(Tensor.numel(out)));
    if (in.length == 0) {
      dst[0] = src[0];
      return Tensor.of(dst, out);
    }
    int last = in.length - 1;
    int len = out[last];
    int[] inStrides = Broadcast.contiguous(in);
    int rows = MovementKernels.prod(out, 0, last);
    int[] lastMap = maps[last];
    int copyFrom = before[last];
    int copyTo = before[last] + in[last];
    Parallel.forRange(rows, Math.max(1, ElementwiseKernels.GRAIN / Math.max(1, len)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r * len;
        int s = sourceRow(r, out, maps, inStrides);
        if (s < 0) {
          Arrays.fill(dst, o, o + len, value);
          continue;
        }
        for (int j = 0; j < copyFrom; j++) {
          dst[o + j] = lastMap[j] < 0 ? value : src[s + lastMap[j]];
        }
        System.arraycopy(src, s, dst, o + copyFrom, copyTo - copyFrom);
        for (int j = copyTo; j < len; j++) {
          dst[o + j] = lastMap[j] < 0 ? value : src[s + lastMap[j]];
        }
      }
    });
    return Tensor.of(dst, out);
  }

  /**
   * The adjoint of {@link #pad}: {@code g} of the padded shape -> the unpadded shape. For
   * {@link PadMode#CONSTANT} a crop; for the others each padded cell's gradient is also added to
   * the source cell it copied.
   */
  public static Tensor padTranspose(Tensor g, int[] before, int[] after, PadMode mode, Allocator pool) {
    ElementwiseKernels.requireDType("pad transpose", g, DType.F32);
    int[] padded = g.shape();
    if (before.length != padded.length || after.length != padded.length) {
      throw new ExecutionError("pad transpose: padding " + Arrays.toString(before) + " + " + Arrays.toString(after)
          + " needs one entry per axis of " + Arrays.toString(padded));
    }
    int[] in = new int[padded.length];
    for (int d = 0; d < in.length; d++) {
      in[d] = padded[d] - before[d] - after[d];
      if (before[d] < 0 || after[d] < 0 || in[d] < 0) {
        throw new ExecutionError("pad transpose: padding " + Arrays.toString(before) + " + " + Arrays.toString(after)
            + " must be non-negative and fit in the padded shape " + Arrays.toString(padded));
      }
    }
    int[][] maps = sourceMaps("pad transpose", in, before, after, mode);
    float[] gs = g.floats();
    int n = Math.toIntExact(Tensor.numel(in));
    if (in.length == 0) {
      float[] dst = pool.take(1);
      dst[0] = gs[0];
      return Tensor.of(dst, in);
    }
    float[] dst = mode == PadMode.CONSTANT ? pool.take(n) : pool.takeZeroed(n);
    int last = in.length - 1;
    int len = padded[last];
    int[] inStrides = Broadcast.contiguous(in);
    int[] lastMap = maps[last];
    int copyFrom = before[last];
    int copyTo = before[last] + in[last];
    // Rows of the gradient that differ in an unpadded leading axis add into disjoint parts of the
    // result, so the cores split those; padding on an axis mixes rows, so splitting stops there.
    int split = 0;
    while (split < last && before[split] == 0 && after[split] == 0) {
      split++;
    }
    int slices = MovementKernels.prod(padded, 0, split);
    int rowsPerSlice = MovementKernels.prod(padded, split, last);
    int grain = Math.max(1, ElementwiseKernels.GRAIN / Math.max(1, len * rowsPerSlice));
    Parallel.forRange(slices, grain, (from, to) -> {
      for (int r = from * rowsPerSlice; r < to * rowsPerSlice; r++) {
        int s = sourceRow(r, padded, maps, inStrides);
        if (s < 0) {
          continue; // a row of constant padding: no source
        }
        int o = r * len;
        if (mode == PadMode.CONSTANT) {
          System.arraycopy(gs, o + copyFrom, dst, s, copyTo - copyFrom);
          continue;
        }
        for (int j = 0; j < len; j++) {
          dst[s + lastMap[j]] += gs[o + j];
        }
      }
    });
    return Tensor.of(dst, in);
  }

  private static int[] paddedShape(int[] in, int[] before, int[] after) {
    if (before.length != in.length || after.length != in.length) {
      throw new ExecutionError("pad: padding " + Arrays.toString(before) + " + " + Arrays.toString(after)
          + " needs one entry per axis of " + Arrays.toString(in));
    }
    int[] out = new int[in.length];
    for (int d = 0; d < in.length; d++) {
      if (before[d] < 0 || after[d] < 0) {
        throw new ExecutionError("pad: padding " + Arrays.toString(before) + " + " + Arrays.toString(after)
            + " must be non-negative");
      }
      out[d] = (int) Math.min(Integer.MAX_VALUE, (long) in[d] + before[d] + after[d]);
    }
    if (Tensor.numel(out) >= Integer.MAX_VALUE) {
      throw new ExecutionError("pad: the padded shape " + Arrays.toString(out) + " is too large to index");
    }
    return out;
  }

  /**
   * For each axis, the source index of each padded index, or -1 where the constant goes; checks the
   * pads against what the mode allows.
   */
  private static int[][] sourceMaps(String what, int[] in, int[] before, int[] after, PadMode mode) {
    int[][] maps = new int[in.length][];
    for (int d = 0; d < in.length; d++) {
      int n = in[d];
      int b = before[d];
      int a = after[d];
      boolean padded = b > 0 || a > 0;
      String problem = switch (mode) {
        case CONSTANT -> null;
        case REFLECT -> padded && (b >= n || a >= n) ? "reflect padding must be less than the size" : null;
        case REPLICATE -> padded && n == 0 ? "replicate padding needs a non-empty axis" : null;
        case CIRCULAR -> padded && (b > n || a > n || n == 0) ? "circular padding must be at most the size" : null;
      };
      if (problem != null) {
        throw new ExecutionError(what + ": " + problem + ": axis " + d + " of size " + n + " padded by " + b + " + "
            + a + " (shape " + Arrays.toString(in) + ")");
      }
      int[] map = new int[n + b + a];
      for (int j = 0; j < map.length; j++) {
        int i = j - b;
        map[j] = i >= 0 && i < n ? i : switch (mode) {
          case CONSTANT -> -1;
          case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
          case REPLICATE -> i < 0 ? 0 : n - 1;
          case CIRCULAR -> Math.floorMod(i, n);
        };
      }
      maps[d] = map;
    }
    return maps;
  }

  /**
   * The source offset of row {@code r} of the padded shape (all axes but the last), or -1 when the
   * row is constant padding.
   */
  private static int sourceRow(int r, int[] padded, int[][] maps, int[] inStrides) {
    int off = 0;
    for (int d = padded.length - 2; d >= 0; d--) {
      int i = maps[d][r % padded[d]];
      if (i < 0) {
        return -1;
      }
      off += i * inStrides[d];
      r /= padded[d];
    }
    return off;
  }
}
