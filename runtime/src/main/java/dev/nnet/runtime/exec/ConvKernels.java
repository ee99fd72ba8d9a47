package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/**
 * Convolution over 1, 2 or 3 (any number of) spatial dims, NCHW-style layout {@code [N, C, *S]},
 * and its two adjoints, as PyTorch's {@code conv{1,2,3}d} with groups, stride, dilation and zero
 * padding that may differ before and after.
 *
 * <p>All three are im2col + sgemm, per sample and group: the input channels of a group are copied
 * into a {@code [C/groups * K, OS]} column matrix (K = kernel taps, OS = output positions), so
 * the convolution is the product {@code W_g [O/groups, C/groups * K] @ columns}; the input gradient
 * is {@code W_g^T @ dy} scattered back (col2im), the filter gradient {@code dy @ columns^T} summed
 * over samples. A 1x1 kernel with stride 1 and no padding uses the input as its columns. The two
 * cores split the samples and groups; when there is only one, sgemm splits the product instead.
 */
public final class ConvKernels {
  /** Multiply-adds per parallel chunk below which splitting costs more than it saves. */
  private static final long PARALLEL_MIN_WORK = 1L << 16;

  private ConvKernels() {}

  /**
   * The output spatial size, per dim {@code floor((S + pb + pa - d*(k-1) - 1)/s) + 1}.
   *
   * @throws ExecutionError if an argument is out of range or the window does not fit once along a dim
   */
  public static int[] outputSize(int[] in, int[] kernel, int[] stride, int[] padBefore, int[] padAfter,
      int[] dilation) {
    return SlidingWindows.of("conv", in, kernel, stride, padBefore, padAfter, dilation).out.clone();
  }

  /**
   * Cross-correlation (PyTorch's conv): {@code x [N, C, *S]}, {@code w [O, C/groups, *K]} ->
   * {@code [N, O, *OS]}, with zero padding {@code padBefore}/{@code padAfter} per spatial dim.
   */
  public static Tensor conv(Tensor x, Tensor w, int[] stride, int[] padBefore, int[] padAfter, int[] dilation,
      int groups, Allocator pool) {
    ElementwiseKernels.requireDType("conv", x, DType.F32);
    ElementwiseKernels.requireDType("conv", w, DType.F32);
    if (x.rank() < 3) {
      throw new ExecutionError("conv needs an input [N, C, *spatial] of rank 3 or more, got " + Arrays.toString(x.shape()));
    }
    Layout l = Layout.of("conv", x.dim(0), x.dim(1), spatial(x), w, stride, padBefore, padAfter, dilation, groups);
    float[] xs = x.floats();
    float[] ws = w.floats();
    float[] y = pool.take(l.n * l.o * l.g.outSize);
    int p = l.g.outSize;
    boolean identity = l.g.isIdentity();
    Parallel.forRange(l.n * groups, l.grain(l.og * l.rows * (long) p), (from, to) -> {
      float[] col = identity ? null : ConvScratch.get().columns(l.rows * p);
      for (int item = from; item < to; item++) {
        int n = item / groups;
        int gi = item % groups;
        int xOff = (n * l.c + gi * l.cg) * l.g.inSize;
        int yOff = (n * l.o + gi * l.og) * p;
        if (identity) {
          MatMulKernel.sgemm(false, false, l.og, p, l.rows, ws, gi * l.og * l.rows, xs, xOff, y, yOff);
        } else {
          l.g.im2col(xs, xOff, l.cg, col);
          MatMulKernel.sgemm(false, false, l.og, p, l.rows, ws, gi * l.og * l.rows, col, 0, y, yOff);
        }
      }
    });
    return Tensor.of(y, l.shape(l.n, l.o, l.g.out));
  }

  /**
   * The adjoint of {@link #conv} with respect to x (transposed convolution): {@code dy [N, O, *OS]},
   * {@code w [O, C/groups, *K]} -> {@code [N, C, *inputSpatial]}. Input positions that no window
   * reads (when the windows do not tile the input) get 0.
   */
  public static Tensor convTranspose(Tensor dy, Tensor w, int[] inputSpatial, int[] stride, int[] padBefore,
      int[] padAfter, int[] dilation, int groups, Allocator pool) {
    ElementwiseKernels.requireDType("conv transpose", dy, DType.F32);
    ElementwiseKernels.requireDType("conv transpose", w, DType.F32);
    if (dy.rank() < 3 || w.rank() < 2) {
      throw new ExecutionError("conv transpose needs dy [N, O, *spatial] of rank 3 or more and a matching filter, got "
          + Arrays.toString(dy.shape()) + " and " + Arrays.toString(w.shape()));
    }
    Layout l = Layout.of("conv transpose", dy.dim(0), w.dim(1) * groups, inputSpatial, w, stride, padBefore, padAfter,
        dilation, groups);
    requireShape("conv transpose", "dy", dy, l.shape(l.n, l.o, l.g.out));
    float[] dys = dy.floats();
    float[] ws = w.floats();
    int p = l.g.outSize;
    int s = l.g.inSize;
    float[] dx = pool.take(l.n * l.c * s);
    boolean identity = l.g.isIdentity();
    Parallel.forRange(l.n * groups, l.grain(l.og * l.rows * (long) p), (from, to) -> {
      float[] dcol = identity ? null : ConvScratch.get().columns(l.rows * p);
      for (int item = from; item < to; item++) {
        int n = item / groups;
        int gi = item % groups;
        int dxOff = (n * l.c + gi * l.cg) * s;
        int dyOff = (n * l.o + gi * l.og) * p;
        if (identity) {
          MatMulKernel.sgemm(true, false, l.rows, p, l.og, ws, gi * l.og * l.rows, dys, dyOff, dx, dxOff);
        } else {
          MatMulKernel.sgemm(true, false, l.rows, p, l.og, ws, gi * l.og * l.rows, dys, dyOff, dcol, 0);
          Arrays.fill(dx, dxOff, dxOff + l.cg * s, 0f);
          l.g.col2imAdd(dcol, dx, dxOff, l.cg);
        }
      }
    });
    return Tensor.of(dx, l.shape(l.n, l.c, l.g.in));
  }

  /**
   * The adjoint of {@link #conv} with respect to w (the filter gradient): {@code x [N, C, *S]},
   * {@code dy [N, O, *OS]} -> {@code [O, C/groups, *kernel]}, summed over the batch.
   */
  public static Tensor convFilterGrad(Tensor x, Tensor dy, int[] kernel, int[] stride, int[] padBefore,
      int[] padAfter, int[] dilation, int groups, Allocator pool) {
    ElementwiseKernels.requireDType("conv filter gradient", x, DType.F32);
    ElementwiseKernels.requireDType("conv filter gradient", dy, DType.F32);
    if (x.rank() < 3 || dy.rank() != x.rank()) {
      throw new ExecutionError("conv filter gradient needs x [N, C, *spatial] and dy [N, O, *spatial] of one rank >= 3, got "
          + Arrays.toString(x.shape()) + " and " + Arrays.toString(dy.shape()));
    }
    if (groups < 1 || x.dim(1) % groups != 0 || dy.dim(1) % groups != 0) {
      throw new ExecutionError("conv filter gradient: " + groups + " groups do not divide " + x.dim(1)
          + " input and " + dy.dim(1) + " output channels");
    }
    if (kernel.length != x.rank() - 2) {
      throw new ExecutionError("conv filter gradient: kernel " + Arrays.toString(kernel)
          + " needs one entry per spatial dim of " + Arrays.toString(x.shape()));
    }
    int[] filterShape = new int[x.rank()];
    filterShape[0] = dy.dim(1);
    filterShape[1] = x.dim(1) / groups;
    System.arraycopy(kernel, 0, filterShape, 2, kernel.length);
    Layout l = Layout.of("conv filter gradient", x.dim(0), x.dim(1), spatial(x), filterShape, stride, padBefore,
        padAfter, dilation, groups);
    requireShape("conv filter gradient", "dy", dy, l.shape(l.n, l.o, l.g.out));
    float[] xs = x.floats();
    float[] dys = dy.floats();
    int p = l.g.outSize;
    int size = l.o * l.rows;
    float[] dw = pool.take(size);
    if (l.n == 0) {
      Arrays.fill(dw, 0f);
      return Tensor.of(dw, filterShape);
    }
    boolean identity = l.g.isIdentity();
    // Samples are split into one chunk per thread; each sums its samples into its own array.
    int chunks = Parallel.chunks(l.n, l.grain(groups * l.og * l.rows * (long) p));
    float[][] partial = new float[chunks][];
    partial[0] = dw;
    for (int c = 1; c < chunks; c++) {
      partial[c] = pool.take(size);
    }
    Parallel.forRange(chunks, 1, (c0, c1) -> {
      ConvScratch scratch = ConvScratch.get();
      float[] col = identity ? null : scratch.columns(l.rows * p);
      float[] product = scratch.product(l.og * l.rows);
      for (int c = c0; c < c1; c++) {
        float[] acc = partial[c];
        int n0 = (int) ((long) l.n * c / chunks);
        int n1 = (int) ((long) l.n * (c + 1) / chunks);
        for (int n = n0; n < n1; n++) {
          for (int gi = 0; gi < groups; gi++) {
            int xOff = (n * l.c + gi * l.cg) * l.g.inSize;
            int dyOff = (n * l.o + gi * l.og) * p;
            int accOff = gi * l.og * l.rows;
            float[] cols = identity ? xs : col;
            int colOff = identity ? xOff : 0;
            if (!identity) {
              l.g.im2col(xs, xOff, l.cg, col);
            }
            // dW_g = dy_g [og, p] @ columns^T [p, rows]; the first sample writes, later ones add.
            if (n == n0) {
              MatMulKernel.sgemm(false, true, l.og, l.rows, p, dys, dyOff, cols, colOff, acc, accOff);
            } else {
              MatMulKernel.sgemm(false, true, l.og, l.rows, p, dys, dyOff, cols, colOff, product, 0);
              for (int i = 0; i < l.og * l.rows; i++) {
                acc[accOff + i] += product[i];
              }
            }
          }
        }
      }
    });
    for (int c = 1; c < chunks; c++) {
      for (int i = 0; i < size; i++) {
        dw[i] += partial[c][i];
      }
      pool.give(partial[c]);
    }
    return Tensor.of(dw, filterShape);
  }

  /** Sizes of one convolution, checked. */
  private static final class Layout {
    final int n;
    final int c;
    final int o;
    final int cg;
    final int og;
    /** Rows of the column matrix: input channels per group times kernel taps. */
    final int rows;
    final SlidingWindows g;

    private Layout(int n, int c, int o, int groups, SlidingWindows g) {
      this.n = n;
      this.c = c;
      this.o = o;
      this.cg = c / groups;
      this.og = o / groups;
      this.g = g;
      this.rows = Math.toIntExact((long) cg * g.kernelSize);
    }

    static Layout of(String what, int n, int c, int[] in, Tensor w, int[] stride, int[] padBefore, int[] padAfter,
        int[] dilation, int groups) {
      return of(what, n, c, in, w.shape(), stride, padBefore, padAfter, dilation, groups);
    }

    static Layout of(String what, int n, int c, int[] in, int[] w, int[] stride, int[] padBefore, int[] padAfter,
        int[] dilation, int groups) {
      if (w.length != in.length + 2) {
        throw new ExecutionError(what + ": filter " + Arrays.toString(w) + " needs rank " + (in.length + 2)
            + " ([O, C/groups, *kernel]) for " + in.length + " spatial dims");
      }
      if (groups < 1 || c % groups != 0 || w[0] % groups != 0) {
        throw new ExecutionError(what + ": " + groups + " groups do not divide " + c + " input and " + w[0]
            + " output channels");
      }
      if (w[1] != c / groups) {
        throw new ExecutionError(what + ": filter " + Arrays.toString(w) + " needs " + (c / groups)
            + " input channels per group (" + c + " channels in " + groups + " groups)");
      }
      SlidingWindows g = SlidingWindows.of(what, in, Arrays.copyOfRange(w, 2, w.length), stride, padBefore, padAfter,
          dilation);
      // The tensors and the column matrix [C/groups * K, OS] live in float arrays, indexed by int.
      long largest = Math.max((long) n * Math.max(c, w[0]) * Math.max(g.inSize, g.outSize),
          (long) c / groups * g.kernelSize * g.outSize);
      if (largest > Integer.MAX_VALUE) {
        throw new ExecutionError(what + ": " + largest + " elements in one array are more than an int can index");
      }
      return new Layout(n, c, w[0], groups, g);
    }

    /** The minimum items of {@code work} multiply-adds each per parallel chunk. */
    int grain(long work) {
      return (int) Math.max(1, PARALLEL_MIN_WORK / Math.max(1, work));
    }

    int[] shape(int batch, int channels, int[] spatial) {
      int[] s = new int[spatial.length + 2];
      s[0] = batch;
      s[1] = channels;
      System.arraycopy(spatial, 0, s, 2, spatial.length);
      return s;
    }
  }

  private static int[] spatial(Tensor x) {
    int[] s = x.shape();
    return Arrays.copyOfRange(s, 2, s.length);
  }


  private static void requireShape(String what, String name, Tensor t, int[] shape) {
    if (!Arrays.equals(t.shape(), shape)) {
      throw new ExecutionError(what + ": " + name + " has shape " + Arrays.toString(t.shape()) + ", expected "
          + Arrays.toString(shape));
    }
  }
}
