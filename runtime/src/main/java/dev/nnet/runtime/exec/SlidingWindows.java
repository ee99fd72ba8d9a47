package dev.nnet.runtime.exec;

import java.util.Arrays;

/**
 * Where the windows of a convolution or pooling lie over the spatial dims of one channel: sizes,
 * and for each spatial dim and kernel index the range of output positions whose window reads that
 * kernel tap inside the input (not in the padding). Validates its arguments, so the kernels that
 * use it can index without checks.
 *
 * <p>Output position {@code o} with kernel tap {@code k} reads input position
 * {@code o * stride - padBefore + k * dilation} along each dim.
 */
final class SlidingWindows {
  final int rank;
  final int[] in;
  final int[] kernel;
  final int[] stride;
  final int[] padBefore;
  final int[] dilation;
  final int[] out;
  /** Elements of one channel of the input, of its output, and taps of the kernel. */
  final int inSize;
  final int outSize;
  final int kernelSize;
  /** Row-major strides of the input's spatial dims. */
  final int[] inStrides;
  /** Output rows: output positions over all spatial dims but the last. */
  final int rows;
  /**
   * For tap t and output row r, {@code rowStart[t * rows + r]}: the input offset (in one channel)
   * that the row's first window reads with tap t, before the last dim is added; -1 when that row of
   * the tap lies in the padding. Precomputed so that im2col's inner loops do no index arithmetic.
   */
  private final int[] rowStart;
  /** For tap t, the outputs along the last dim whose tap is inside the input: {@code [tapLo[t], tapHi[t])}. */
  private final int[] tapLo;
  private final int[] tapHi;
  /** For tap t, the input position along the last dim minus {@code o * stride} (may be negative). */
  private final int[] tapShift;

  private SlidingWindows(int[] in, int[] kernel, int[] stride, int[] padBefore, int[] dilation, int[] out) {
    this.rank = in.length;
    this.in = in;
    this.kernel = kernel;
    this.stride = stride;
    this.padBefore = padBefore;
    this.dilation = dilation;
    this.out = out;
    this.inSize = Math.toIntExact(product(in));
    this.outSize = Math.toIntExact(product(out));
    this.kernelSize = Math.toIntExact(product(kernel));
    this.inStrides = new int[rank];
    int s = 1;
    for (int d = rank - 1; d >= 0; d--) {
      inStrides[d] = s;
      s *= in[d];
    }
    // validLo[d][k] to validHi[d][k]: the outputs along dim d whose tap k is inside the input.
    int[][] validLo = new int[rank][];
    int[][] validHi = new int[rank][];
    for (int d = 0; d < rank; d++) {
      validLo[d] = new int[kernel[d]];
      validHi[d] = new int[kernel[d]];
      for (int k = 0; k < kernel[d]; k++) {
        int shift = k * dilation[d] - padBefore[d]; // input position = o * stride + shift
        int lo = Math.max(0, -Math.floorDiv(shift, stride[d])); // smallest o with o * stride + shift >= 0
        int hi = Math.min(out[d], Math.floorDiv(in[d] - 1 - shift, stride[d]) + 1);
        validLo[d][k] = Math.min(lo, out[d]);
        validHi[d][k] = Math.max(hi, validLo[d][k]);
      }
    }
    int last = rank - 1;
    this.rows = outSize / out[last];
    this.rowStart = new int[Math.toIntExact((long) kernelSize * rows)];
    this.tapLo = new int[kernelSize];
    this.tapHi = new int[kernelSize];
    this.tapShift = new int[kernelSize];
    int[] k = new int[rank];
    int[] o = new int[rank];
    for (int t = 0; t < kernelSize; t++) {
      tapLo[t] = validLo[last][k[last]];
      tapHi[t] = validHi[last][k[last]];
      tapShift[t] = k[last] * dilation[last] - padBefore[last];
      Arrays.fill(o, 0);
      for (int r = 0; r < rows; r++) {
        int off = 0;
        for (int d = 0; d < last && off >= 0; d++) {
          boolean inside = o[d] >= validLo[d][k[d]] && o[d] < validHi[d][k[d]];
          off = inside ? off + (o[d] * stride[d] + k[d] * dilation[d] - padBefore[d]) * inStrides[d] : -1;
        }
        rowStart[t * rows + r] = off;
        increment(o, out, last);
      }
      increment(k, kernel);
    }
  }

  /**
   * The geometry of windows over spatial size {@code in}, after checking that every array has one
   * entry per spatial dim, kernel, stride and dilation are positive, pads non-negative and at least
   * one window fits along each dim. {@code what} names the operation in error messages.
   */
  static SlidingWindows of(String what, int[] in, int[] kernel, int[] stride, int[] padBefore, int[] padAfter,
      int[] dilation) {
    int rank = in.length;
    if (rank == 0) {
      throw new ExecutionError(what + " needs at least one spatial dim");
    }
    requireLength(what, "kernel", kernel, rank);
    requireLength(what, "stride", stride, rank);
    requireLength(what, "padding before", padBefore, rank);
    requireLength(what, "padding after", padAfter, rank);
    requireLength(what, "dilation", dilation, rank);
    int[] out = new int[rank];
    for (int d = 0; d < rank; d++) {
      if (kernel[d] < 1 || stride[d] < 1 || dilation[d] < 1 || padBefore[d] < 0 || padAfter[d] < 0 || in[d] < 0) {
        throw new ExecutionError(what + ": kernel, stride and dilation must be positive and padding non-negative, got "
            + describe(in, kernel, stride, padBefore, padAfter, dilation));
      }
      long span = (long) dilation[d] * (kernel[d] - 1) + 1;
      long room = (long) in[d] + padBefore[d] + padAfter[d] - span;
      if (room < 0) {
        throw new ExecutionError(what + ": the window (" + span + " wide with dilation) does not fit in dim " + d
            + " of size " + in[d] + " with padding " + padBefore[d] + " + " + padAfter[d] + "; "
            + describe(in, kernel, stride, padBefore, padAfter, dilation));
      }
      long size = room / stride[d] + 1;
      if (size > Integer.MAX_VALUE) {
        throw new ExecutionError(what + ": output dim " + d + " would have " + size + " positions; "
            + describe(in, kernel, stride, padBefore, padAfter, dilation));
      }
      out[d] = (int) size;
    }
    long rowTable = product(kernel) * (product(out) / out[rank - 1]); // rowStart's length
    if (product(in) > Integer.MAX_VALUE || product(out) > Integer.MAX_VALUE || rowTable > Integer.MAX_VALUE) {
      throw new ExecutionError(what + ": " + describe(in, kernel, stride, padBefore, padAfter, dilation)
          + " has more positions than an int can index");
    }
    return new SlidingWindows(in.clone(), kernel.clone(), stride.clone(), padBefore.clone(), dilation.clone(), out);
  }

  /** True when each output reads exactly its own input position: 1-wide kernel, stride 1, no padding. */
  boolean isIdentity() {
    for (int d = 0; d < rank; d++) {
      if (kernel[d] != 1 || stride[d] != 1 || padBefore[d] != 0 || out[d] != in[d]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Offsets, from a window's first input element, of its taps in row-major kernel order; only
   * meaningful without padding, where every tap of every window is inside the input.
   */
  int[] tapOffsets() {
    int[] offsets = new int[kernelSize];
    int[] k = new int[rank];
    for (int t = 0; t < kernelSize; t++) {
      int off = 0;
      for (int d = 0; d < rank; d++) {
        off += k[d] * dilation[d] * inStrides[d];
      }
      offsets[t] = off;
      increment(k, kernel);
    }
    return offsets;
  }

  /** Input offset of the first element of the windows in output row {@code row} (all dims but the last), without padding. */
  int windowRowOffset(int row) {
    int off = 0;
    for (int d = rank - 2; d >= 0; d--) {
      off += (row % out[d]) * stride[d] * inStrides[d];
      row /= out[d];
    }
    return off;
  }

  /**
   * Copies one channel block into columns: {@code col[(c * kernelSize + t) * outSize + p]} is the
   * input that output position p reads with tap t in channel c, or 0 in the padding. The input is
   * {@code channels} channels of {@link #inSize} floats from {@code xOff}.
   */
  void im2col(float[] x, int xOff, int channels, float[] col) {
    int ow = out[rank - 1];
    int sw = stride[rank - 1];
    int dst = 0;
    for (int c = 0; c < channels; c++) {
      int channel = xOff + c * inSize;
      for (int t = 0; t < kernelSize; t++) {
        int lo = tapLo[t];
        int hi = tapHi[t];
        int shift = channel + tapShift[t];
        for (int r = t * rows, end = r + rows; r < end; r++, dst += ow) {
          int base = rowStart[r];
          if (base < 0) {
            Arrays.fill(col, dst, dst + ow, 0f);
            continue;
          }
          int src = base + shift;
          for (int j = 0; j < lo; j++) {
            col[dst + j] = 0f;
          }
          if (sw == 1) {
            if (hi > lo) { // (an empty copy may still start outside x, which arraycopy rejects)
              System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            }
          } else {
            for (int j = lo; j < hi; j++) {
              col[dst + j] = x[src + j * sw];
            }
          }
          for (int j = hi; j < ow; j++) {
            col[dst + j] = 0f;
          }
        }
      }
    }
  }

  /** The adjoint of {@link #im2col}: adds each column entry to the input position it was read from. */
  void col2imAdd(float[] col, float[] x, int xOff, int channels) {
    int ow = out[rank - 1];
    int sw = stride[rank - 1];
    int src = 0;
    for (int c = 0; c < channels; c++) {
      int channel = xOff + c * inSize;
      for (int t = 0; t < kernelSize; t++) {
        int lo = tapLo[t];
        int hi = tapHi[t];
        int shift = channel + tapShift[t];
        for (int r = t * rows, end = r + rows; r < end; r++, src += ow) {
          int base = rowStart[r];
          if (base < 0) {
            continue;
          }
          int dst = base + shift;
          if (sw == 1) {
            for (int j = lo; j < hi; j++) {
              x[dst + j] += col[src + j];
            }
          } else {
            for (int j = lo; j < hi; j++) {
              x[dst + j * sw] += col[src + j];
            }
          }
        }
      }
    }
  }

  /** Advances a row-major multi-index over {@code dims}. */
  private static void increment(int[] index, int[] dims) {
    increment(index, dims, dims.length);
  }

  /** Advances a row-major multi-index over the first {@code count} of {@code dims}. */
  private static void increment(int[] index, int[] dims, int count) {
    for (int d = count - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) {
        return;
      }
      index[d] = 0;
    }
  }

  static long product(int[] dims) {
    long p = 1;
    for (int v : dims) {
      p *= v;
    }
    return p;
  }

  private static void requireLength(String what, String name, int[] values, int rank) {
    if (values.length != rank) {
      throw new ExecutionError(what + ": " + name + " " + Arrays.toString(values) + " needs one entry per spatial dim ("
          + rank + ")");
    }
  }

  private static String describe(int[] in, int[] kernel, int[] stride, int[] padBefore, int[] padAfter, int[] dilation) {
    return "input " + Arrays.toString(in) + ", kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
        + ", padding " + Arrays.toString(padBefore) + " + " + Arrays.toString(padAfter) + ", dilation "
        + Arrays.toString(dilation);
  }
}
