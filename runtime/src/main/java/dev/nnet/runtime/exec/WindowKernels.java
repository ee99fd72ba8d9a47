package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/**
 * Reductions over sliding windows of the trailing dims of a tensor (max and average pooling; the
 * average is the window sum scaled by the caller), and their adjoints. There is no padding here:
 * callers pad first ({@link PadKernels}), so every tap of every window is inside the input and the
 * loops need no bounds checks. Leading dims (batch, channels) are independent slices, which the
 * cores split between them.
 */
public final class WindowKernels {
  private WindowKernels() {}

  /**
   * Max or sum over the windows of the trailing {@code kernel.length} dims of {@code x [..., *S]}
   * -> {@code [..., *OS]}, with {@code OS = floor((S - d*(k-1) - 1)/s) + 1}. Max propagates NaN
   * (as PyTorch's max_pool).
   */
  public static Tensor reduce(boolean max, Tensor x, int[] kernel, int[] stride, int[] dilation, Allocator pool) {
    String what = max ? "max pool" : "window sum";
    Slices s = Slices.of(what, x, x.shape(), kernel, stride, dilation);
    SlidingWindows g = s.g;
    float[] in = x.floats();
    float[] out = pool.take(s.lead * g.outSize);
    int[] taps = g.tapOffsets();
    int ow = g.out[g.rank - 1];
    int sw = g.stride[g.rank - 1];
    int rows = g.outSize / ow;
    Parallel.forRange(s.lead, s.grain(), (from, to) -> {
      for (int l = from; l < to; l++) {
        int inOff = l * g.inSize;
        int dst = l * g.outSize;
        for (int r = 0; r < rows; r++) {
          int rowOff = inOff + g.windowRowOffset(r);
          for (int j = 0; j < ow; j++, dst++) {
            int base = rowOff + j * sw;
            if (max) {
              float m = in[base + taps[0]];
              for (int t = 1; t < taps.length; t++) {
                float v = in[base + taps[t]];
                m = v > m || v != v ? v : m; // once m is NaN, v > m is false and a number cannot replace it
              }
              out[dst] = m;
            } else {
              float sum = 0f;
              for (int tap : taps) {
                sum += in[base + tap];
              }
              out[dst] = sum;
            }
          }
        }
      }
    });
    return Tensor.of(out, s.outShape());
  }

  /**
   * The adjoint of the window sum: {@code g [..., *OS]} -> {@code [..., *inputSpatial]}; each input
   * position receives the sum of g over the windows that contain it (0 if none does).
   */
  public static Tensor sumTranspose(Tensor g, int[] inputSpatial, int[] kernel, int[] stride, int[] dilation,
      Allocator pool) {
    ElementwiseKernels.requireDType("window sum transpose", g, DType.F32);
    if (g.rank() < inputSpatial.length) {
      throw new ExecutionError("window sum transpose: gradient " + Arrays.toString(g.shape()) + " has fewer than "
          + inputSpatial.length + " dims");
    }
    int[] inShape = g.shape();
    System.arraycopy(inputSpatial, 0, inShape, inShape.length - inputSpatial.length, inputSpatial.length);
    Slices s = Slices.of("window sum transpose", g, inShape, kernel, stride, dilation);
    requireShape("window sum transpose", g, s.outShape());
    SlidingWindows geo = s.g;
    float[] gs = g.floats();
    float[] out = pool.takeZeroed(s.lead * geo.inSize);
    int[] taps = geo.tapOffsets();
    int ow = geo.out[geo.rank - 1];
    int sw = geo.stride[geo.rank - 1];
    int rows = geo.outSize / ow;
    Parallel.forRange(s.lead, s.grain(), (from, to) -> {
      for (int l = from; l < to; l++) {
        int inOff = l * geo.inSize;
        int src = l * geo.outSize;
        for (int r = 0; r < rows; r++) {
          int rowOff = inOff + geo.windowRowOffset(r);
          for (int j = 0; j < ow; j++, src++) {
            int base = rowOff + j * sw;
            float v = gs[src];
            for (int tap : taps) {
              out[base + tap] += v;
            }
          }
        }
      }
    });
    return Tensor.of(out, inShape);
  }

  /**
   * The gradient of the window max: routes each element of {@code g [..., *OS]} to the arg-max of
   * its window of {@code x [..., *S]} (the first maximum in row-major window order; a NaN counts as
   * the maximum, as in PyTorch's max_pool), summing where windows overlap -> {@code [..., *S]}.
   */
  public static Tensor maxTranspose(Tensor x, Tensor g, int[] kernel, int[] stride, int[] dilation, Allocator pool) {
    ElementwiseKernels.requireDType("max pool gradient", g, DType.F32);
    Slices s = Slices.of("max pool gradient", x, x.shape(), kernel, stride, dilation);
    requireShape("max pool gradient", g, s.outShape());
    SlidingWindows geo = s.g;
    float[] in = x.floats();
    float[] gs = g.floats();
    float[] out = pool.takeZeroed(s.lead * geo.inSize);
    int[] taps = geo.tapOffsets();
    int ow = geo.out[geo.rank - 1];
    int sw = geo.stride[geo.rank - 1];
    int rows = geo.outSize / ow;
    Parallel.forRange(s.lead, s.grain(), (from, to) -> {
      for (int l = from; l < to; l++) {
        int inOff = l * geo.inSize;
        int src = l * geo.outSize;
        for (int r = 0; r < rows; r++) {
          int rowOff = inOff + geo.windowRowOffset(r);
          for (int j = 0; j < ow; j++, src++) {
            int base = rowOff + j * sw;
            int best = base + taps[0];
            float m = in[best];
            for (int t = 1; t < taps.length && m == m; t++) { // stop at a NaN: it is the maximum
              float v = in[base + taps[t]];
              if (v > m || v != v) {
                m = v;
                best = base + taps[t];
              }
            }
            out[best] += gs[src];
          }
        }
      }
    });
    return Tensor.of(out, x.shape());
  }

  /** A tensor seen as {@code lead} independent slices of a spatial block, with the window geometry over that block. */
  private static final class Slices {
    final int[] shape;
    final int lead;
    final SlidingWindows g;

    private Slices(int[] shape, int lead, SlidingWindows g) {
      this.shape = shape;
      this.lead = lead;
      this.g = g;
    }

    /** Slices of {@code shape}, whose trailing {@code kernel.length} dims are spatial. */
    static Slices of(String what, Tensor t, int[] shape, int[] kernel, int[] stride, int[] dilation) {
      ElementwiseKernels.requireDType(what, t, DType.F32);
      int rank = kernel.length;
      if (rank == 0 || shape.length < rank) {
        throw new ExecutionError(what + ": a window of " + rank + " dims does not fit a tensor of shape "
            + Arrays.toString(shape));
      }
      int[] spatial = Arrays.copyOfRange(shape, shape.length - rank, shape.length);
      int[] zeros = new int[rank];
      SlidingWindows g = SlidingWindows.of(what, spatial, kernel, stride, zeros, zeros, dilation);
      int lead = Math.toIntExact(SlidingWindows.product(Arrays.copyOf(shape, shape.length - rank)));
      if ((long) lead * Math.max(g.inSize, g.outSize) > Integer.MAX_VALUE) {
        throw new ExecutionError(what + ": a tensor of shape " + Arrays.toString(shape) + " is too large to index");
      }
      return new Slices(shape, lead, g);
    }

    int[] outShape() {
      int[] s = shape.clone();
      System.arraycopy(g.out, 0, s, s.length - g.rank, g.rank);
      return s;
    }

    /** Slices per parallel chunk: enough that a chunk reads about {@link ElementwiseKernels#GRAIN} elements. */
    int grain() {
      long perSlice = Math.max(1L, (long) g.outSize * g.kernelSize);
      return (int) Math.max(1, ElementwiseKernels.GRAIN / perSlice);
    }
  }


  private static void requireShape(String what, Tensor g, int[] shape) {
    if (!Arrays.equals(g.shape(), shape)) {
      throw new ExecutionError(what + ": gradient has shape " + Arrays.toString(g.shape()) + ", expected "
          + Arrays.toString(shape));
    }
  }
}
