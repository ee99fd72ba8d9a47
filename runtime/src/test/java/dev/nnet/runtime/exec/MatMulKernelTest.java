package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.SingleOpGraph.assertFloats;
import static dev.nnet.runtime.exec.SingleOpGraph.run;
import static dev.nnet.runtime.exec.SingleOpGraph.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.Op;
import dev.nnet.runtime.Tensor;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class MatMulKernelTest {
  private static final int[] SIZES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 16, 33, 65, 130};

  /** The kernels under test: the one sgemm picks, and each implementation on its own. */
  @FunctionalInterface
  interface Sgemm {
    void run(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
        float[] c, int cOff);
  }

  private static Sgemm kernel(int which) {
    return switch (which) {
      case 0 -> MatMulKernel::sgemm;
      case 1 -> MatMulKernel::plainSgemm;
      default -> {
        Assumptions.assumeTrue(MatMulKernel.VECTOR, "the JVM runs without jdk.incubator.vector");
        yield VectorSgemm::sgemm;
      }
    };
  }

  @Test
  void testsRunTheKernelTheirJvmIsSetUpFor() {
    // surefire's default run adds jdk.incubator.vector (so sgemm uses VectorSgemm); the
    // plain-java-kernels run does not, and says so with nnet.expectVector=false.
    boolean vector = Boolean.parseBoolean(System.getProperty("nnet.expectVector", "true"));
    assertEquals(vector, MatMulKernel.VECTOR);
  }

  /** Blocked sgemm equals a naive triple loop for every kernel, transpose variant and awkward sizes. */
  @Property(tries = 300)
  void sgemmMatchesNaiveLoop(@ForAll @IntRange(min = 0, max = 2) int which,
      @ForAll @IntRange(min = 0, max = 13) int mi, @ForAll @IntRange(min = 0, max = 13) int ni,
      @ForAll @IntRange(min = 0, max = 13) int ki, @ForAll boolean transA, @ForAll boolean transB,
      @ForAll @IntRange(min = 0, max = 9) int offset, @ForAll long seed) {
    checkAgainstNaive(kernel(which), transA, transB, SIZES[mi], SIZES[ni], SIZES[ki], offset, seed);
  }

  /**
   * Every transpose variant of each kernel with sizes that are not multiples of any tile, deep enough
   * for several k blocks, and wide and tall enough to be split across threads both ways.
   */
  @ParameterizedTest
  @CsvSource({"1,37,70,300", "1,300,19,45", "1,130,530,257", "2,37,70,300", "2,300,19,45", "2,130,530,257",
      "2,785,257,129", "2,7,900,513", "0,1,256,784", "0,1,10,131", "0,1,300,1", "1,1,256,784"})
  void largeProductsMatchNaiveLoop(int which, int m, int n, int k) {
    for (int t = 0; t < 4; t++) {
      checkAgainstNaive(kernel(which), (t & 1) != 0, (t & 2) != 0, m, n, k, 3, m * 31L + n * 7L + k + t);
    }
  }

  private static void checkAgainstNaive(Sgemm kernel, boolean transA, boolean transB, int m, int n, int k,
      int offset, long seed) {
    Random r = new Random(seed);
    float[] a = random(r, offset + m * k);
    float[] b = random(r, offset + k * n);
    float[] c = random(r, offset + m * n); // garbage that sgemm must overwrite
    float[] before = c.clone();
    if (m > 0 && n > 0 && k > 0) {
      kernel.run(transA, transB, m, n, k, a, offset, b, offset, c, offset);
    } else {
      MatMulKernel.sgemm(transA, transB, m, n, k, a, offset, b, offset, c, offset);
    }
    for (int i = 0; i < offset; i++) {
      assertEquals(before[i], c[i], "sgemm wrote before C");
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          float x = transA ? a[offset + p * m + i] : a[offset + i * k + p];
          float y = transB ? b[offset + j * k + p] : b[offset + p * n + j];
          s += (double) x * y;
        }
        assertEquals(s, c[offset + i * n + j], 1e-4 * Math.max(1, Math.sqrt(k)),
            () -> "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB);
      }
    }
  }

  @Test
  void largeParallelProductMatchesNaiveLoop() {
    int m = 130;
    int n = 530; // three panels of uneven width
    int k = 257;
    Random r = new Random(7);
    float[] a = random(r, m * k);
    float[] b = random(r, k * n);
    float[] c = new float[m * n];
    MatMulKernel.sgemm(false, true, m, n, k, a, 0, transpose(b, k, n), 0, c, 0);
    for (int i = 0; i < m; i += 3) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += (double) a[i * k + p] * b[p * n + j];
        }
        assertEquals(s, c[i * n + j], 1e-3);
      }
    }
  }

  @Test
  void emptyInnerDimensionGivesZeros() {
    float[] c = {5, 5, 5, 5};
    MatMulKernel.sgemm(false, false, 2, 2, 0, new float[0], 0, new float[0], 0, c, 0);
    assertArrayEquals(new float[4], c);
  }

  @Test
  void batchedMatMulBroadcastsLeadingDims() throws Exception {
    // a: [2, 1, 2] (two row vectors), b: [2, 2] shared by both batches
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 1, 2);
    Tensor b = Tensor.of(new float[] {1, 0, 0, 10}, 2, 2);
    assertFloats(run(new Op.MatMul(), a, b), shape(2, 1, 2), 1, 20, 3, 40);
    // a: [1, 2, 2] broadcast against b: [3, 2, 1]
    Tensor a1 = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2);
    Tensor b3 = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2, 1);
    assertFloats(run(new Op.MatMul(), a1, b3), shape(3, 2, 1), 1, 3, 2, 4, 3, 7);
  }

  @Test
  void matMulReadsTransposedOperandsWithoutChangingResults() throws Exception {
    Random r = new Random(3);
    Tensor x = Tensor.of(random(r, 5 * 7), 5, 7);
    Tensor w = Tensor.of(random(r, 3 * 7), 3, 7);
    Tensor viaView = MatMulKernel.matmul(x, false, w, true, new BufferPool());
    Tensor wt = MovementKernels.permute(w, java.util.List.of(1, 0), new BufferPool());
    Tensor viaCopy = MatMulKernel.matmul(x, false, wt, false, new BufferPool());
    assertArrayEquals(shape(5, 3), viaView.shape());
    assertArrayEquals(viaCopy.floats(), viaView.floats(), 1e-5f);
    Tensor xt = MovementKernels.permute(x, java.util.List.of(1, 0), new BufferPool());
    assertArrayEquals(viaCopy.floats(), MatMulKernel.matmul(xt, true, w, true, new BufferPool()).floats(), 1e-5f);
  }

  public static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  public static float[] transpose(float[] x, int rows, int cols) {
    float[] t = new float[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = x[i * cols + j];
      }
    }
    return t;
  }
}
