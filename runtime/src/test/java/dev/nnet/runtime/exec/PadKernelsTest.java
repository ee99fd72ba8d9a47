package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.ConvKernelsTest.unflatten;
import static dev.nnet.runtime.exec.RandomTensors.dot;
import static dev.nnet.runtime.exec.RandomTensors.norm;
import static dev.nnet.runtime.exec.RandomTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.PadMode;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PadKernelsTest {
  private final BufferPool pool = new BufferPool();

  private static final Tensor ONE_TO_FOUR = Tensor.of(new float[] {1, 2, 3, 4}, 4);

  // ---- hand-computed -------------------------------------------------------------------------------

  @Test
  void eachModeOnOneToFourByTwoAndOne() {
    int[] b = {2};
    int[] a = {1};
    assertArrayEquals(new float[] {9, 9, 1, 2, 3, 4, 9},
        PadKernels.pad(ONE_TO_FOUR, b, a, PadMode.CONSTANT, 9, pool).floats());
    assertArrayEquals(new float[] {3, 2, 1, 2, 3, 4, 3},
        PadKernels.pad(ONE_TO_FOUR, b, a, PadMode.REFLECT, 0, pool).floats());
    assertArrayEquals(new float[] {1, 1, 1, 2, 3, 4, 4},
        PadKernels.pad(ONE_TO_FOUR, b, a, PadMode.REPLICATE, 0, pool).floats());
    assertArrayEquals(new float[] {3, 4, 1, 2, 3, 4, 1},
        PadKernels.pad(ONE_TO_FOUR, b, a, PadMode.CIRCULAR, 0, pool).floats());
  }

  @Test
  void eachModesTransposeOnOneToFourByTwoAndOne() {
    Tensor g = Tensor.of(new float[] {1, 10, 100, 1000, 10000, 100000, 1000000}, 7);
    int[] b = {2};
    int[] a = {1};
    // constant: a crop
    assertArrayEquals(new float[] {100, 1000, 10000, 100000},
        PadKernels.padTranspose(g, b, a, PadMode.CONSTANT, pool).floats());
    // reflect copied sources [2, 1, _, _, _, _, 2] (0-based): index 2 gets cells 0 and 6, index 1 gets cell 1
    assertArrayEquals(new float[] {100, 1010, 1010001, 100000},
        PadKernels.padTranspose(g, b, a, PadMode.REFLECT, pool).floats());
    // replicate: [0, 0, ..., 3]
    assertArrayEquals(new float[] {111, 1000, 10000, 1100000},
        PadKernels.padTranspose(g, b, a, PadMode.REPLICATE, pool).floats());
    // circular: [2, 3, ..., 0]
    assertArrayEquals(new float[] {1000100, 1000, 10001, 100010},
        PadKernels.padTranspose(g, b, a, PadMode.CIRCULAR, pool).floats());
  }

  @Test
  void reflectOfTwoByTwoOnBothAxes() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor y = PadKernels.pad(x, new int[] {1, 1}, new int[] {1, 1}, PadMode.REFLECT, 0, pool);
    assertArrayEquals(new int[] {4, 4}, y.shape());
    assertArrayEquals(new float[] {4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1}, y.floats());
  }

  @Test
  void circularAndConstantOnALeadingAxis() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    assertArrayEquals(new float[] {5, 6, 1, 2, 3, 4, 5, 6},
        PadKernels.pad(x, new int[] {1, 0}, new int[] {0, 0}, PadMode.CIRCULAR, 0, pool).floats());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, -1, -1},
        PadKernels.pad(x, new int[] {0, 0}, new int[] {1, 0}, PadMode.CONSTANT, -1, pool).floats());
  }

  @Test
  void emptyAxisPadsWithTheConstantOnly() {
    Tensor empty = Tensor.of(new float[0], 0, 2);
    Tensor y = PadKernels.pad(empty, new int[] {1, 0}, new int[] {0, 1}, PadMode.CONSTANT, 7, pool);
    assertArrayEquals(new int[] {1, 3}, y.shape());
    assertArrayEquals(new float[] {7, 7, 7}, y.floats());
    assertThrows(ExecutionError.class,
        () -> PadKernels.pad(empty, new int[] {1, 0}, new int[] {0, 0}, PadMode.REPLICATE, 0, pool));
  }

  @Test
  void badArgumentsAreExecutionErrors() {
    assertMessage("less than the size",
        () -> PadKernels.pad(ONE_TO_FOUR, new int[] {4}, new int[] {0}, PadMode.REFLECT, 0, pool));
    assertMessage("at most the size",
        () -> PadKernels.pad(ONE_TO_FOUR, new int[] {0}, new int[] {5}, PadMode.CIRCULAR, 0, pool));
    assertMessage("non-negative",
        () -> PadKernels.pad(ONE_TO_FOUR, new int[] {-1}, new int[] {0}, PadMode.CONSTANT, 0, pool));
    assertMessage("one entry per axis",
        () -> PadKernels.pad(ONE_TO_FOUR, new int[] {1, 1}, new int[] {0, 0}, PadMode.CONSTANT, 0, pool));
    assertMessage("too large",
        () -> PadKernels.pad(ONE_TO_FOUR, new int[] {Integer.MAX_VALUE - 2}, new int[] {0}, PadMode.CONSTANT, 0, pool));
    assertMessage("fit in the padded shape",
        () -> PadKernels.padTranspose(ONE_TO_FOUR, new int[] {3}, new int[] {2}, PadMode.CONSTANT, pool));
    // transposing reflect needs the unpadded size (4 - 2 - 1 = 1) to exceed the pads
    assertMessage("less than the size",
        () -> PadKernels.padTranspose(ONE_TO_FOUR, new int[] {2}, new int[] {1}, PadMode.REFLECT, pool));
  }

  private static void assertMessage(String part, Runnable r) {
    ExecutionError e = assertThrows(ExecutionError.class, r::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  // ---- against direct loops ------------------------------------------------------------------------

  /** Source index along one axis, written as the definitions read (mirror repeatedly, wrap, clamp). */
  static int naiveSource(PadMode mode, int i, int n) {
    switch (mode) {
      case CONSTANT:
        return i >= 0 && i < n ? i : -1;
      case REFLECT:
        while (i < 0 || i >= n) {
          i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
      case REPLICATE:
        return Math.min(n - 1, Math.max(0, i));
      case CIRCULAR:
        return ((i % n) + n) % n;
    }
    throw new AssertionError(mode);
  }

  /** Visits each padded flat index with its source flat index (-1 for the constant). */
  @FunctionalInterface
  interface Cell {
    void visit(int padded, int source);
  }

  static void forEachCell(int[] in, int[] before, int[] after, PadMode mode, Cell cell) {
    int[] out = new int[in.length];
    for (int d = 0; d < in.length; d++) {
      out[d] = in[d] + before[d] + after[d];
    }
    int total = (int) Tensor.numel(out);
    for (int p = 0; p < total; p++) {
      int[] j = unflatten(p, out);
      int src = 0;
      for (int d = 0; d < in.length && src >= 0; d++) {
        int s = naiveSource(mode, j[d] - before[d], in[d]);
        src = s < 0 ? -1 : src * in[d] + s;
      }
      cell.visit(p, src);
    }
  }

  record Case(int[] in, int[] before, int[] after, PadMode mode) {
    int[] out() {
      int[] o = new int[in.length];
      for (int d = 0; d < in.length; d++) {
        o[d] = in[d] + before[d] + after[d];
      }
      return o;
    }

    @Override
    public String toString() {
      return mode + " " + Arrays.toString(in) + " by " + Arrays.toString(before) + " + " + Arrays.toString(after);
    }
  }

  static Case randomCase(Random r, PadMode mode, int rank) {
    int[] in = new int[rank];
    int[] b = new int[rank];
    int[] a = new int[rank];
    for (int d = 0; d < rank; d++) {
      in[d] = 1 + r.nextInt(5);
      int limit = switch (mode) {
        case CONSTANT, REPLICATE -> 4;
        case REFLECT -> in[d] - 1;
        case CIRCULAR -> in[d];
      };
      b[d] = r.nextInt(limit + 1);
      a[d] = r.nextInt(limit + 1);
    }
    return new Case(in, b, a, mode);
  }

  @Property(tries = 400)
  void padAndTransposeMatchDirectLoops(@ForAll @IntRange(min = 0, max = 3) int modeIndex,
      @ForAll @IntRange(min = 0, max = 4) int rank, @ForAll long seed) {
    Random r = new Random(seed);
    PadMode mode = PadMode.values()[modeIndex];
    Case k = randomCase(r, mode, rank);
    Tensor x = uniform(r, k.in());
    Tensor g = uniform(r, k.out());
    float value = r.nextFloat();
    float[] xs = x.floats();
    float[] gs = g.floats();
    float[] padded = new float[gs.length];
    float[] back = new float[xs.length];
    forEachCell(k.in(), k.before(), k.after(), mode, (p, s) -> {
      padded[p] = s < 0 ? value : xs[s];
      if (s >= 0) {
        back[s] += gs[p];
      }
    });
    Tensor y = PadKernels.pad(x, k.before(), k.after(), mode, value, pool);
    assertArrayEquals(k.out(), y.shape(), k::toString);
    assertArrayEquals(padded, y.floats(), k::toString);
    Tensor dx = PadKernels.padTranspose(g, k.before(), k.after(), mode, pool);
    assertArrayEquals(k.in(), dx.shape(), k::toString);
    assertArrayEquals(back, dx.floats(), 1e-5f, k::toString);
  }

  /** {@code <pad(x), g> = <x, padTranspose(g)>} (with constant 0, which makes pad linear). */
  @Property(tries = 200)
  void padTransposeIsItsAdjoint(@ForAll @IntRange(min = 0, max = 3) int modeIndex,
      @ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
    Random r = new Random(seed);
    Case k = randomCase(r, PadMode.values()[modeIndex], rank);
    Tensor x = uniform(r, k.in());
    Tensor g = uniform(r, k.out());
    Tensor y = PadKernels.pad(x, k.before(), k.after(), k.mode(), 0, pool);
    Tensor dx = PadKernels.padTranspose(g, k.before(), k.after(), k.mode(), pool);
    double scale = norm(y) * norm(g) + norm(x) * norm(dx);
    assertEquals(dot(y, g), dot(x, dx), 1e-5 * scale, k::toString);
  }

  /**
   * Replicating one row 20000 times sends every padded row to the same 64 cells, so rows handled by
   * different cores would add into them at once, and lose updates, if the transpose split them.
   * (It can only catch that when both threads really run at once: on the loaded 2-core development
   * VM a split version passed it.)
   */
  @Test
  void transposeDoesNotSplitRowsThatAddIntoTheSameCells() {
    int rows = 20_001;
    float[] ones = new float[rows * 64];
    Arrays.fill(ones, 1f);
    Tensor dx = PadKernels.padTranspose(Tensor.of(ones, rows, 64), new int[] {rows - 1, 0}, new int[] {0, 0},
        PadMode.REPLICATE, pool);
    assertArrayEquals(new int[] {1, 64}, dx.shape());
    for (float v : dx.floats()) {
      assertEquals(rows, v);
    }
  }

  /** Big enough that rows are split across the cores; results land in recycled, dirty arrays. */
  @ParameterizedTest
  @EnumSource(PadMode.class)
  void leNetSizedPaddingSplitAcrossThreads(PadMode mode) {
    Random r = new Random(9);
    int[] in = {64, 6, 28, 28};
    int[] b = {0, 0, 2, 1};
    int[] a = {0, 0, 1, 2};
    Case k = new Case(in, b, a, mode);
    for (int round = 0; round < 2; round++) {
      Tensor x = uniform(r, in);
      Tensor g = uniform(r, k.out());
      float[] padded = new float[g.size()];
      float[] back = new float[x.size()];
      forEachCell(in, b, a, mode, (p, s) -> {
        padded[p] = s < 0 ? 0.5f : x.floats()[s];
        if (s >= 0) {
          back[s] += g.floats()[p];
        }
      });
      Tensor y = PadKernels.pad(x, b, a, mode, 0.5f, pool);
      Tensor dx = PadKernels.padTranspose(g, b, a, mode, pool);
      assertArrayEquals(padded, y.floats());
      assertArrayEquals(back, dx.floats(), 1e-5f);
      Arrays.fill(y.floats(), Float.NaN);
      Arrays.fill(dx.floats(), Float.NaN);
      pool.give(y.floats());
      pool.give(dx.floats());
    }
  }
}
