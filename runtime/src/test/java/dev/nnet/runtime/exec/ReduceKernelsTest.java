package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.SingleOpGraph.assertFloats;
import static dev.nnet.runtime.exec.SingleOpGraph.assertLongs;
import static dev.nnet.runtime.exec.SingleOpGraph.run;
import static dev.nnet.runtime.exec.SingleOpGraph.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReduceKernelsTest {
  private static final Tensor M = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

  private static Tensor reduce(ReduceFn fn, Tensor x, boolean keep, Integer... axes) throws Exception {
    return run(new Op.Reduce(fn, List.of(axes), keep), x);
  }

  @Test
  void sumMeanMaxOverEachAxis() throws Exception {
    assertFloats(reduce(ReduceFn.SUM, M, false, 0), shape(3), 5, 7, 9);
    assertFloats(reduce(ReduceFn.SUM, M, false, 1), shape(2), 6, 15);
    assertFloats(reduce(ReduceFn.SUM, M, false, 0, 1), shape(), 21);
    assertFloats(reduce(ReduceFn.MEAN, M, false, 1), shape(2), 2, 5);
    assertFloats(reduce(ReduceFn.MEAN, M, false, 0, 1), shape(), 3.5f);
    assertFloats(reduce(ReduceFn.MAX, M, false, 0), shape(3), 4, 5, 6);
    assertFloats(reduce(ReduceFn.MAX, Tensor.of(new float[] {-5, -2, -9}, 3), false, 0), shape(), -2);
  }

  @Test
  void keepDimsLeavesSizeOneAxes() throws Exception {
    assertFloats(reduce(ReduceFn.SUM, M, true, 1), shape(2, 1), 6, 15);
    assertFloats(reduce(ReduceFn.MAX, M, true, 0), shape(1, 3), 4, 5, 6);
    assertFloats(reduce(ReduceFn.MEAN, M, true, 0, 1), shape(1, 1), 3.5f);
  }

  @Test
  void nonAdjacentAxesOfRank3() throws Exception {
    float[] v = new float[24];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    Tensor x = Tensor.of(v, 2, 3, 4);
    // out[j] = sum over i, k of (12 i + 4 j + k) = 2*4*4j + 4*12 + 2*6 = 32 j + 60
    assertFloats(reduce(ReduceFn.SUM, x, false, 0, 2), shape(3), 60, 92, 124);
    assertFloats(reduce(ReduceFn.MAX, x, true, 0, 2), shape(1, 3, 1), 15, 19, 23);
    assertFloats(reduce(ReduceFn.SUM, x, false, 1), shape(2, 4), 12, 15, 18, 21, 48, 51, 54, 57);
  }

  @Test
  void largeReductionsSplitAcrossThreadsAgreeWithDoubleSums() throws Exception {
    int rows = 3000;
    int cols = 77;
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 13) - 6.5f;
    }
    Tensor x = Tensor.of(v, rows, cols);
    Tensor byCol = reduce(ReduceFn.SUM, x, false, 0);
    Tensor byRow = reduce(ReduceFn.MAX, x, false, 1);
    for (int j = 0; j < cols; j++) {
      double s = 0;
      for (int i = 0; i < rows; i++) {
        s += v[i * cols + j];
      }
      assertEquals(s, byCol.floats()[j], 1e-3);
    }
    for (int i = 0; i < rows; i++) {
      float m = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        m = Math.max(m, v[i * cols + j]);
      }
      assertEquals(m, byRow.floats()[i]);
    }
  }

  @Test
  void emptyAxes() throws Exception {
    Tensor empty = Tensor.of(new float[0], 2, 0);
    assertFloats(reduce(ReduceFn.SUM, empty, false, 1), shape(2), 0, 0);
    assertTrue(Float.isNaN(reduce(ReduceFn.MEAN, empty, false, 1).floats()[0]));
    ExecutionError e = assertThrows(ExecutionError.class, () -> reduce(ReduceFn.MAX, empty, false, 1));
    assertTrue(e.getMessage().contains("empty axis"), e.getMessage());
    assertFloats(reduce(ReduceFn.SUM, empty, false, 0), shape(0));
  }

  @Test
  void maxPropagatesNaN() throws Exception {
    Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, 4}, 2, 2);
    Tensor m = reduce(ReduceFn.MAX, x, false, 1);
    assertTrue(Float.isNaN(m.floats()[0]));
    assertEquals(4f, m.floats()[1]);
  }

  @Test
  void argMaxTakesTheFirstMaximum() throws Exception {
    Tensor x = Tensor.of(new float[] {1, 7, 7, 0, 9, -1}, 2, 3);
    assertLongs(run(new Op.ArgMax(1), x), shape(2), 1, 1);
    assertLongs(run(new Op.ArgMax(0), x), shape(3), 0, 1, 0);
    Tensor nan = Tensor.of(new float[] {1, Float.NaN, 5}, 3);
    assertLongs(run(new Op.ArgMax(0), nan), shape(), 1);
  }
}
