package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.RandomTensors.dot;
import static dev.nnet.runtime.exec.RandomTensors.norm;
import static dev.nnet.runtime.exec.RandomTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ConvKernelsTest {
  private final BufferPool pool = new BufferPool();

  /** One convolution's sizes: batch, groups, channels per group in and out, and the spatial geometry. */
  record Case(int n, int groups, int cg, int og, int[] in, int[] kernel, int[] stride, int[] padBefore,
      int[] padAfter, int[] dilation) {
    int c() {
      return groups * cg;
    }

    int o() {
      return groups * og;
    }

    int[] out() {
      return ConvKernels.outputSize(in, kernel, stride, padBefore, padAfter, dilation);
    }

    int[] xShape() {
      return prepend(n, c(), in);
    }

    int[] wShape() {
      return prepend(o(), cg, kernel);
    }

    int[] yShape() {
      return prepend(n, o(), out());
    }

    Tensor conv(Tensor x, Tensor w, BufferPool pool) {
      return ConvKernels.conv(x, w, stride, padBefore, padAfter, dilation, groups, pool);
    }

    Tensor convTranspose(Tensor dy, Tensor w, BufferPool pool) {
      return ConvKernels.convTranspose(dy, w, in, stride, padBefore, padAfter, dilation, groups, pool);
    }

    Tensor convFilterGrad(Tensor x, Tensor dy, BufferPool pool) {
      return ConvKernels.convFilterGrad(x, dy, kernel, stride, padBefore, padAfter, dilation, groups, pool);
    }

    @Override
    public String toString() {
      return "n=" + n + " groups=" + groups + " cg=" + cg + " og=" + og + " in=" + Arrays.toString(in) + " kernel="
          + Arrays.toString(kernel) + " stride=" + Arrays.toString(stride) + " pad=" + Arrays.toString(padBefore) + "+"
          + Arrays.toString(padAfter) + " dilation=" + Arrays.toString(dilation);
    }
  }

  /** A random case of {@code rank} spatial dims: strides, dilations, asymmetric pads, groups (often depthwise). */
  static Case randomCase(Random r, int rank) {
    int[] in = new int[rank];
    int[] kernel = new int[rank];
    int[] stride = new int[rank];
    int[] pb = new int[rank];
    int[] pa = new int[rank];
    int[] dil = new int[rank];
    int maxExtra = rank == 3 ? 3 : 6;
    for (int d = 0; d < rank; d++) {
      kernel[d] = 1 + r.nextInt(rank == 3 ? 3 : 4);
      stride[d] = 1 + r.nextInt(3);
      dil[d] = 1 + r.nextInt(2);
      pb[d] = r.nextInt(3);
      pa[d] = r.nextInt(3);
      int span = dil[d] * (kernel[d] - 1) + 1;
      in[d] = Math.max(1, span - pb[d] - pa[d]) + r.nextInt(maxExtra);
    }
    int groups = 1 + r.nextInt(3);
    boolean depthwise = r.nextInt(3) == 0;
    int cg = depthwise ? 1 : 1 + r.nextInt(3);
    int og = 1 + r.nextInt(3);
    return new Case(1 + r.nextInt(3), groups, cg, og, in, kernel, stride, pb, pa, dil);
  }

  // ---- naive references --------------------------------------------------------------------------

  /** Visits every (x index, w index, y index) whose product a convolution sums, by direct loops. */
  @FunctionalInterface
  interface Tap {
    void visit(int xi, int wi, int yi);
  }

  static void forEachTap(Case k, Tap tap) {
    int[] out = k.out();
    int rank = k.in().length;
    int inSize = (int) Tensor.numel(k.in());
    int outSize = (int) Tensor.numel(out);
    int taps = (int) Tensor.numel(k.kernel());
    for (int n = 0; n < k.n(); n++) {
      for (int oc = 0; oc < k.o(); oc++) {
        int group = oc / k.og();
        for (int p = 0; p < outSize; p++) {
          int[] op = unflatten(p, out);
          for (int ci = 0; ci < k.cg(); ci++) {
            for (int t = 0; t < taps; t++) {
              int[] kk = unflatten(t, k.kernel());
              int xFlat = 0;
              boolean inside = true;
              for (int d = 0; d < rank; d++) {
                int pos = op[d] * k.stride()[d] - k.padBefore()[d] + kk[d] * k.dilation()[d];
                inside &= pos >= 0 && pos < k.in()[d];
                xFlat = xFlat * k.in()[d] + pos;
              }
              if (inside) {
                int xi = (n * k.c() + group * k.cg() + ci) * inSize + xFlat;
                int wi = (oc * k.cg() + ci) * taps + t;
                int yi = (n * k.o() + oc) * outSize + p;
                tap.visit(xi, wi, yi);
              }
            }
          }
        }
      }
    }
  }

  static float[] naiveConv(Case k, float[] x, float[] w) {
    double[] y = new double[(int) Tensor.numel(k.yShape())];
    forEachTap(k, (xi, wi, yi) -> y[yi] += (double) x[xi] * w[wi]);
    return toFloats(y);
  }

  static float[] naiveConvTranspose(Case k, float[] dy, float[] w) {
    double[] dx = new double[(int) Tensor.numel(k.xShape())];
    forEachTap(k, (xi, wi, yi) -> dx[xi] += (double) dy[yi] * w[wi]);
    return toFloats(dx);
  }

  static float[] naiveFilterGrad(Case k, float[] x, float[] dy) {
    double[] dw = new double[(int) Tensor.numel(k.wShape())];
    forEachTap(k, (xi, wi, yi) -> dw[wi] += (double) x[xi] * dy[yi]);
    return toFloats(dw);
  }

  // ---- properties ------------------------------------------------------------------------------------

  @Property(tries = 150)
  void allThreeMatchDirectLoops(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
    Random r = new Random(seed);
    Case k = randomCase(r, rank);
    Tensor x = uniform(r, k.xShape());
    Tensor w = uniform(r, k.wShape());
    Tensor dy = uniform(r, k.yShape());
    assertClose(k, "conv", naiveConv(k, x.floats(), w.floats()), k.yShape(), k.conv(x, w, pool));
    assertClose(k, "convTranspose", naiveConvTranspose(k, dy.floats(), w.floats()), k.xShape(),
        k.convTranspose(dy, w, pool));
    assertClose(k, "convFilterGrad", naiveFilterGrad(k, x.floats(), dy.floats()), k.wShape(),
        k.convFilterGrad(x, dy, pool));
  }

  /** {@code <conv(x, w), dy> = <x, convTranspose(dy, w)> = <w, convFilterGrad(x, dy)>}. */
  @Property(tries = 150)
  void adjointsPassTheDotProductTest(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
    Random r = new Random(seed);
    Case k = randomCase(r, rank);
    Tensor x = uniform(r, k.xShape());
    Tensor w = uniform(r, k.wShape());
    Tensor dy = uniform(r, k.yShape());
    Tensor y = k.conv(x, w, pool);
    Tensor dx = k.convTranspose(dy, w, pool);
    Tensor dw = k.convFilterGrad(x, dy, pool);
    double forward = dot(y, dy);
    double scale = norm(y) * norm(dy) + norm(x) * norm(dx) + norm(w) * norm(dw);
    assertEquals(forward, dot(x, dx), 1e-5 * scale, k::toString);
    assertEquals(forward, dot(w, dw), 1e-5 * scale, k::toString);
  }

  /** Big enough that the samples are split across the cores (and results land in recycled, dirty arrays). */
  @Test
  void leNetShapesSplitAcrossThreadsMatchDirectLoops() {
    Random r = new Random(5);
    Case[] cases = {
        new Case(6, 1, 1, 6, new int[] {28, 28}, new int[] {5, 5}, ones(2), new int[] {2, 2}, new int[] {2, 2}, ones(2)),
        new Case(6, 1, 6, 16, new int[] {14, 14}, new int[] {5, 5}, ones(2), zeros(2), zeros(2), ones(2)),
        new Case(5, 8, 1, 1, new int[] {20, 20}, new int[] {3, 3}, new int[] {2, 2}, ones(2), zeros(2), ones(2)),
        new Case(4, 2, 16, 8, new int[] {9, 9}, ones(2), ones(2), zeros(2), zeros(2), ones(2)), // 1x1: no im2col
    };
    for (Case k : cases) {
      for (int round = 0; round < 2; round++) {
        Tensor x = uniform(r, k.xShape());
        Tensor w = uniform(r, k.wShape());
        Tensor dy = uniform(r, k.yShape());
        Tensor y = k.conv(x, w, pool);
        Tensor dx = k.convTranspose(dy, w, pool);
        Tensor dw = k.convFilterGrad(x, dy, pool);
        assertClose(k, "conv", naiveConv(k, x.floats(), w.floats()), k.yShape(), y);
        assertClose(k, "convTranspose", naiveConvTranspose(k, dy.floats(), w.floats()), k.xShape(), dx);
        assertClose(k, "convFilterGrad", naiveFilterGrad(k, x.floats(), dy.floats()), k.wShape(), dw);
        for (float[] a : new float[][] {y.floats(), dx.floats(), dw.floats()}) {
          Arrays.fill(a, Float.NaN); // poison: the next round reuses these arrays and must overwrite them
          pool.give(a);
        }
      }
    }
  }

  // ---- hand-computed -------------------------------------------------------------------------------

  @Test
  void oneDimensionalEdgeDetectorWithPadding() {
    // padded [0, 1, 2, 3, 4, 0], out[i] = p[i] - p[i + 2]
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4);
    Tensor w = Tensor.of(new float[] {1, 0, -1}, 1, 1, 3);
    Tensor y = ConvKernels.conv(x, w, ones(1), ones(1), ones(1), ones(1), 1, pool);
    assertArrayEquals(new int[] {1, 1, 4}, y.shape());
    assertArrayEquals(new float[] {-2, -2, -2, 3}, y.floats());
  }

  @Test
  void twoDimensionalStrideDilationAndAsymmetricPadding() {
    // x = 0..15 as 4x4; kernel 2x2 of ones, dilation 2, stride 2, padding top 1, left 0, bottom 0, right 1.
    // Padded rows: [pad, r0, r1, r2, r3], padded cols: [c0, c1, c2, c3, pad]; windows start at padded 0 and 2.
    float[] v = new float[16];
    for (int i = 0; i < 16; i++) {
      v[i] = i;
    }
    Tensor x = Tensor.of(v, 1, 1, 4, 4);
    Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
    Tensor y = ConvKernels.conv(x, w, new int[] {2, 2}, new int[] {1, 0}, new int[] {0, 1}, new int[] {2, 2}, 1, pool);
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    // (0,0): padded rows 0,2 -> x rows -,1; cols 0,2 -> x[1][0] + x[1][2] = 4 + 6
    // (0,1): cols 2,4 -> x[1][2] + pad = 6
    // (1,0): rows 2,4 -> x rows 1,3; cols 0,2: 4 + 6 + 12 + 14
    // (1,1): cols 2,4: 6 + 14
    assertArrayEquals(new float[] {10, 6, 36, 20}, y.floats());
  }

  @Test
  void groupsKeepChannelsApart() {
    // Two groups of one channel: each output channel sees only its own input channel.
    Tensor x = Tensor.of(new float[] {1, 2, 3, 10, 20, 30}, 1, 2, 3);
    Tensor w = Tensor.of(new float[] {1, 1, -1, 1}, 2, 1, 2);
    Tensor y = ConvKernels.conv(x, w, ones(1), zeros(1), zeros(1), ones(1), 2, pool);
    assertArrayEquals(new float[] {3, 5, 10, 10}, y.floats());
  }

  @Test
  void anEmptyBatchHasAZeroFilterGradientAndEmptyOutputs() {
    Case k = new Case(0, 1, 2, 3, new int[] {5}, new int[] {3}, ones(1), ones(1), ones(1), ones(1));
    Tensor x = Tensor.of(new float[0], k.xShape());
    Tensor dy = Tensor.of(new float[0], k.yShape());
    float[] dirty = pool.take(3 * 2 * 3);
    Arrays.fill(dirty, Float.NaN);
    pool.give(dirty);
    assertArrayEquals(new float[18], k.convFilterGrad(x, dy, pool).floats());
    assertArrayEquals(new int[] {0, 3, 5}, k.conv(x, uniform(new Random(1), k.wShape()), pool).shape());
  }

  @Test
  void outputSizeFollowsTheFormula() {
    assertArrayEquals(new int[] {28, 10, 2},
        ConvKernels.outputSize(new int[] {28, 14, 7}, new int[] {5, 5, 3}, new int[] {1, 1, 2},
            new int[] {2, 0, 0}, new int[] {2, 0, 1}, new int[] {1, 1, 2}));
    // (7 + 0 + 1 - 2*2 - 1) / 2 + 1 = 2
  }

  // ---- errors --------------------------------------------------------------------------------------

  @Test
  void badArgumentsAreExecutionErrors() {
    Tensor x = Tensor.of(new float[2 * 4 * 5 * 5], 2, 4, 5, 5);
    Tensor w = Tensor.of(new float[3 * 2 * 3 * 3], 3, 2, 3, 3);
    int[] one = ones(2);
    int[] none = zeros(2);
    // 3 output channels do not split into 2 groups
    assertMessage("groups", () -> ConvKernels.conv(x, w, one, none, none, one, 2, pool));
    // 4 input channels in 1 group need 4 per filter
    assertMessage("input channels per group", () -> ConvKernels.conv(x, w, one, none, none, one, 1, pool));
    Tensor w2 = Tensor.of(new float[4 * 2 * 7 * 7], 4, 2, 7, 7);
    assertMessage("does not fit", () -> ConvKernels.conv(x, w2, one, none, none, one, 2, pool));
    Tensor w3 = Tensor.of(new float[4 * 2 * 3 * 3], 4, 2, 3, 3);
    assertMessage("positive", () -> ConvKernels.conv(x, w3, new int[] {0, 1}, none, none, one, 2, pool));
    assertMessage("one entry per spatial dim", () -> ConvKernels.conv(x, w3, ones(3), none, none, one, 2, pool));
    Tensor dy = Tensor.of(new float[2 * 4 * 4 * 4], 2, 4, 4, 4);
    assertMessage("expected [2, 4, 3, 3]",
        () -> ConvKernels.convTranspose(dy, w3, new int[] {5, 5}, one, none, none, one, 2, pool));
    assertMessage("expected [2, 4, 3, 3]",
        () -> ConvKernels.convFilterGrad(x, dy, new int[] {3, 3}, one, none, none, one, 2, pool));
    int big = 1 << 30;
    assertMessage("positions", () -> ConvKernels.conv(Tensor.of(new float[1], 1, 1, 1), Tensor.of(new float[1], 1, 1, 1),
        ones(1), new int[] {big}, new int[] {big}, ones(1), 1, pool));
    assertMessage("rank 3", () -> ConvKernels.conv(Tensor.of(new float[4], 2, 2), w3, one, none, none, one, 1, pool));
  }

  private static void assertMessage(String part, Runnable r) {
    ExecutionError e = assertThrows(ExecutionError.class, r::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private static void assertClose(Case k, String what, float[] expected, int[] shape, Tensor actual) {
    assertArrayEquals(shape, actual.shape(), () -> what + " shape, " + k);
    float[] a = actual.floats();
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - a[i]) <= 1e-4f * (1 + Math.abs(expected[i])))) {
        throw new AssertionError(what + " element " + i + ": expected " + expected[i] + ", got " + a[i] + "; " + k);
      }
    }
  }

  static int[] unflatten(int flat, int[] dims) {
    int[] idx = new int[dims.length];
    for (int d = dims.length - 1; d >= 0; d--) {
      idx[d] = flat % dims[d];
      flat /= dims[d];
    }
    return idx;
  }

  static int[] prepend(int a, int b, int[] rest) {
    int[] s = new int[rest.length + 2];
    s[0] = a;
    s[1] = b;
    System.arraycopy(rest, 0, s, 2, rest.length);
    return s;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  static int[] ones(int n) {
    int[] a = new int[n];
    Arrays.fill(a, 1);
    return a;
  }

  static int[] zeros(int n) {
    return new int[n];
  }
}
