package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.ConvKernelsTest.ones;
import static dev.nnet.runtime.exec.ConvKernelsTest.unflatten;
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

class WindowKernelsTest {
  private final BufferPool pool = new BufferPool();

  /** Windows over the trailing {@code kernel.length} dims of a tensor of {@code shape}. */
  record Case(int[] shape, int[] kernel, int[] stride, int[] dilation) {
    int rank() {
      return kernel.length;
    }

    int[] spatial() {
      return Arrays.copyOfRange(shape, shape.length - rank(), shape.length);
    }

    int lead() {
      return (int) Tensor.numel(Arrays.copyOf(shape, shape.length - rank()));
    }

    int[] out() {
      int[] z = new int[rank()];
      return ConvKernels.outputSize(spatial(), kernel, stride, z, z, dilation);
    }

    int[] outShape() {
      int[] s = shape.clone();
      System.arraycopy(out(), 0, s, s.length - rank(), rank());
      return s;
    }

    @Override
    public String toString() {
      return "shape=" + Arrays.toString(shape) + " kernel=" + Arrays.toString(kernel) + " stride="
          + Arrays.toString(stride) + " dilation=" + Arrays.toString(dilation);
    }
  }

  static Case randomCase(Random r, int rank) {
    int leading = r.nextInt(3);
    int[] shape = new int[leading + rank];
    for (int i = 0; i < leading; i++) {
      shape[i] = 1 + r.nextInt(3);
    }
    int[] kernel = new int[rank];
    int[] stride = new int[rank];
    int[] dil = new int[rank];
    for (int d = 0; d < rank; d++) {
      kernel[d] = 1 + r.nextInt(3);
      stride[d] = 1 + r.nextInt(3);
      dil[d] = 1 + r.nextInt(2);
      shape[leading + d] = dil[d] * (kernel[d] - 1) + 1 + r.nextInt(rank == 3 ? 3 : 6);
    }
    return new Case(shape, kernel, stride, dil);
  }

  /** Visits, for each window (its flat output index), the flat input index of each tap in row-major tap order. */
  @FunctionalInterface
  interface Tap {
    void visit(int out, int tap, int in);
  }

  static void forEachTap(Case k, Tap visitor) {
    int[] in = k.spatial();
    int[] out = k.out();
    int inSize = (int) Tensor.numel(in);
    int outSize = (int) Tensor.numel(out);
    int taps = (int) Tensor.numel(k.kernel());
    for (int l = 0; l < k.lead(); l++) {
      for (int p = 0; p < outSize; p++) {
        int[] op = unflatten(p, out);
        for (int t = 0; t < taps; t++) {
          int[] kk = unflatten(t, k.kernel());
          int flat = 0;
          for (int d = 0; d < k.rank(); d++) {
            flat = flat * in[d] + op[d] * k.stride()[d] + kk[d] * k.dilation()[d];
          }
          visitor.visit(l * outSize + p, t, l * inSize + flat);
        }
      }
    }
  }

  /** Max as PyTorch: NaN wins; otherwise the largest, and the first of equals for the arg-max. */
  static float[] naiveReduce(Case k, boolean max, float[] x) {
    float[] out = new float[(int) Tensor.numel(k.outShape())];
    Arrays.fill(out, max ? Float.NEGATIVE_INFINITY : 0f);
    forEachTap(k, (o, t, i) -> {
      if (max) {
        out[o] = Float.isNaN(out[o]) || Float.isNaN(x[i]) ? Float.NaN : Math.max(out[o], x[i]);
      } else {
        out[o] += x[i];
      }
    });
    return out;
  }

  static float[] naiveSumTranspose(Case k, float[] g) {
    float[] dx = new float[(int) Tensor.numel(k.shape())];
    forEachTap(k, (o, t, i) -> dx[i] += g[o]);
    return dx;
  }

  static float[] naiveMaxTranspose(Case k, float[] x, float[] g) {
    int outN = (int) Tensor.numel(k.outShape());
    int[] argMax = new int[outN];
    Arrays.fill(argMax, -1);
    forEachTap(k, (o, t, i) -> {
      int best = argMax[o];
      boolean better = best < 0 || (!Float.isNaN(x[best]) && (Float.isNaN(x[i]) || x[i] > x[best]));
      if (better) {
        argMax[o] = i;
      }
    });
    float[] dx = new float[(int) Tensor.numel(k.shape())];
    for (int o = 0; o < outN; o++) {
      dx[argMax[o]] += g[o];
    }
    return dx;
  }

  /** Values from a few levels, so that windows often hold ties, and now and then a NaN. */
  static Tensor tiesAndNaNs(Random r, int[] shape) {
    float[] v = new float[(int) Tensor.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(40) == 0 ? Float.NaN : r.nextInt(4);
    }
    return Tensor.of(v, shape);
  }

  @Property(tries = 200)
  void allMatchDirectLoops(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
    Random r = new Random(seed);
    Case k = randomCase(r, rank);
    Tensor x = r.nextBoolean() ? uniform(r, k.shape()) : tiesAndNaNs(r, k.shape());
    Tensor g = uniform(r, k.outShape());
    assertClose(k, "max", naiveReduce(k, true, x.floats()), k.outShape(),
        WindowKernels.reduce(true, x, k.kernel(), k.stride(), k.dilation(), pool));
    assertClose(k, "sum", naiveReduce(k, false, x.floats()), k.outShape(),
        WindowKernels.reduce(false, x, k.kernel(), k.stride(), k.dilation(), pool));
    assertClose(k, "sumTranspose", naiveSumTranspose(k, g.floats()), k.shape(),
        WindowKernels.sumTranspose(g, k.spatial(), k.kernel(), k.stride(), k.dilation(), pool));
    assertClose(k, "maxTranspose", naiveMaxTranspose(k, x.floats(), g.floats()), k.shape(),
        WindowKernels.maxTranspose(x, g, k.kernel(), k.stride(), k.dilation(), pool));
  }

  /** {@code <sum(x), g> = <x, sumTranspose(g)>}. */
  @Property(tries = 200)
  void windowSumTransposeIsItsAdjoint(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
    Random r = new Random(seed);
    Case k = randomCase(r, rank);
    Tensor x = uniform(r, k.shape());
    Tensor g = uniform(r, k.outShape());
    Tensor y = WindowKernels.reduce(false, x, k.kernel(), k.stride(), k.dilation(), pool);
    Tensor dx = WindowKernels.sumTranspose(g, k.spatial(), k.kernel(), k.stride(), k.dilation(), pool);
    double scale = norm(y) * norm(g) + norm(x) * norm(dx);
    assertEquals(dot(y, g), dot(x, dx), 1e-5 * scale, k::toString);
  }

  @Test
  void bigBatchesSplitAcrossThreadsMatchDirectLoops() {
    Random r = new Random(3);
    Case k = new Case(new int[] {64, 6, 28, 28}, new int[] {2, 2}, new int[] {2, 2}, ones(2)); // LeNet pool1
    Tensor x = uniform(r, k.shape());
    Tensor g = uniform(r, k.outShape());
    assertClose(k, "max", naiveReduce(k, true, x.floats()), k.outShape(),
        WindowKernels.reduce(true, x, k.kernel(), k.stride(), k.dilation(), pool));
    assertClose(k, "maxTranspose", naiveMaxTranspose(k, x.floats(), g.floats()), k.shape(),
        WindowKernels.maxTranspose(x, g, k.kernel(), k.stride(), k.dilation(), pool));
    assertClose(k, "sumTranspose", naiveSumTranspose(k, g.floats()), k.shape(),
        WindowKernels.sumTranspose(g, k.spatial(), k.kernel(), k.stride(), k.dilation(), pool));
  }

  // ---- hand-computed -------------------------------------------------------------------------------

  @Test
  void maxRoutesToTheFirstOfTiedMaxima() {
    // 1-D windows of 3 with stride 1 over [5, 5, 1, 5]: windows [5,5,1] and [5,1,5]; both maxima are
    // first found at index 0 and index 1 respectively.
    Tensor x = Tensor.of(new float[] {5, 5, 1, 5}, 1, 4);
    Tensor g = Tensor.of(new float[] {10, 100}, 1, 2);
    Tensor dx = WindowKernels.maxTranspose(x, g, new int[] {3}, ones(1), ones(1), pool);
    assertArrayEquals(new float[] {10, 100, 0, 0}, dx.floats());
  }

  @Test
  void overlappingWindowsSumTheirGradients() {
    // windows of 2, stride 1 over [1, 3, 2]: both windows have their max at index 1
    Tensor x = Tensor.of(new float[] {1, 3, 2}, 3);
    Tensor g = Tensor.of(new float[] {1, 2}, 2);
    assertArrayEquals(new float[] {0, 3, 0},
        WindowKernels.maxTranspose(x, g, new int[] {2}, ones(1), ones(1), pool).floats());
    assertArrayEquals(new float[] {1, 3, 2},
        WindowKernels.sumTranspose(g, new int[] {3}, new int[] {2}, ones(1), ones(1), pool).floats());
  }

  @Test
  void nanIsTheMaximumAndTakesTheGradient() {
    float nan = Float.NaN;
    // 2x2 windows, stride 2 over a 2x4 map: [[1, nan, 7, 2], [9, 3, nan, nan]]
    Tensor x = Tensor.of(new float[] {1, nan, 7, 2, 9, 3, nan, nan}, 1, 1, 2, 4);
    Tensor y = WindowKernels.reduce(true, x, new int[] {2, 2}, new int[] {2, 2}, ones(2), pool);
    assertTrue(Float.isNaN(y.floats()[0]) && Float.isNaN(y.floats()[1]), Arrays.toString(y.floats()));
    Tensor g = Tensor.of(new float[] {1, 2}, 1, 1, 1, 2);
    Tensor dx = WindowKernels.maxTranspose(x, g, new int[] {2, 2}, new int[] {2, 2}, ones(2), pool);
    // the first NaN in row-major window order: (0, 1) in the first window, (1, 2) in the second
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 2, 0}, dx.floats());
  }

  @Test
  void stridedDilatedWindowThatDoesNotTile() {
    // [0..8], kernel 2 with dilation 3 (taps i, i + 3), stride 2: windows at 0, 2, 4; 8 is never read
    float[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    Tensor x = Tensor.of(v, 9);
    Tensor sum = WindowKernels.reduce(false, x, new int[] {2}, new int[] {2}, new int[] {3}, pool);
    assertArrayEquals(new float[] {3, 7, 11}, sum.floats());
    Tensor back = WindowKernels.sumTranspose(Tensor.of(new float[] {1, 10, 100}, 3), new int[] {9}, new int[] {2},
        new int[] {2}, new int[] {3}, pool);
    assertArrayEquals(new float[] {1, 0, 10, 1, 100, 10, 0, 100, 0}, back.floats());
  }

  @Test
  void badArgumentsAreExecutionErrors() {
    Tensor x = Tensor.of(new float[12], 3, 4);
    assertThrows(ExecutionError.class, () -> WindowKernels.reduce(true, x, new int[] {5}, ones(1), ones(1), pool));
    assertThrows(ExecutionError.class, () -> WindowKernels.reduce(true, x, new int[] {2, 2, 2}, ones(3), ones(3), pool));
    assertThrows(ExecutionError.class, () -> WindowKernels.reduce(true, x, new int[] {2}, new int[] {0}, ones(1), pool));
    assertThrows(ExecutionError.class, () -> WindowKernels.reduce(true, x, new int[] {2}, ones(2), ones(1), pool));
    Tensor wrongG = Tensor.of(new float[6], 3, 2);
    ExecutionError e = assertThrows(ExecutionError.class,
        () -> WindowKernels.maxTranspose(x, wrongG, new int[] {2}, ones(1), ones(1), pool));
    assertTrue(e.getMessage().contains("expected [3, 3]"), e.getMessage());
    assertThrows(ExecutionError.class,
        () -> WindowKernels.sumTranspose(wrongG, new int[] {4}, new int[] {2}, ones(1), ones(1), pool));
    assertThrows(ExecutionError.class,
        () -> WindowKernels.reduce(true, Tensor.ofLongs(new long[4], 4), new int[] {2}, ones(1), ones(1), pool));
  }

  private static void assertClose(Case k, String what, float[] expected, int[] shape, Tensor actual) {
    assertArrayEquals(shape, actual.shape(), () -> what + " shape, " + k);
    float[] a = actual.floats();
    for (int i = 0; i < expected.length; i++) {
      boolean same = Float.isNaN(expected[i]) ? Float.isNaN(a[i])
          : Math.abs(expected[i] - a[i]) <= 1e-5f * (1 + Math.abs(expected[i]));
      if (!same) {
        throw new AssertionError(what + " element " + i + ": expected " + expected[i] + ", got " + a[i] + "; " + k);
      }
    }
  }
}
