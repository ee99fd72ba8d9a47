package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.SingleOpGraph.assertFloats;
import static dev.nnet.runtime.exec.SingleOpGraph.run;
import static dev.nnet.runtime.exec.SingleOpGraph.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Op;
import dev.nnet.runtime.Tensor;
import org.junit.jupiter.api.Test;

class IndexKernelsTest {
  private static Tensor longs(long... v) {
    return Tensor.ofLongs(v, v.length);
  }

  @Test
  void oneHotRows() throws Exception {
    assertFloats(run(new Op.OneHot(3), longs(2, 0, 2)), shape(3, 3), 0, 0, 1, 1, 0, 0, 0, 0, 1);
    assertFloats(run(new Op.OneHot(2), Tensor.ofLongs(new long[] {1, 0}, 2, 1)), shape(2, 1, 2), 0, 1, 1, 0);
  }

  @Test
  void oneHotIndexOutOfRangeNamesSpanAndIndex() {
    ExecutionError e = assertThrows(ExecutionError.class, () -> run(new Op.OneHot(10), longs(3, 12)));
    assertEquals(SingleOpGraph.SPAN, e.span());
    assertTrue(e.getMessage().startsWith("test.nnet:7:3: "), e.getMessage());
    assertTrue(e.getMessage().contains("index 12"), e.getMessage());
    assertTrue(e.getMessage().contains("[0, 10)"), e.getMessage());
    assertThrows(ExecutionError.class, () -> run(new Op.OneHot(10), longs(-1)));
  }

  @Test
  void gatherPicksRows() throws Exception {
    Tensor table = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
    assertFloats(run(new Op.Gather(), table, longs(2, 0, 2)), shape(3, 2), 20, 21, 0, 1, 20, 21);
    assertFloats(run(new Op.Gather(), table, Tensor.ofLongs(new long[] {1, 1}, 1, 2)), shape(1, 2, 2),
        10, 11, 10, 11);
    ExecutionError e = assertThrows(ExecutionError.class, () -> run(new Op.Gather(), table, longs(3)));
    assertTrue(e.getMessage().contains("index 3"), e.getMessage());
  }

  @Test
  void scatterAddSumsRepeatedIndices() throws Exception {
    Tensor values = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    assertFloats(run(new Op.ScatterAdd(Dim.of(4)), values, longs(1, 3, 1)), shape(4, 2), 0, 0, 6, 8, 0, 0, 3, 4);
    assertThrows(ExecutionError.class, () -> run(new Op.ScatterAdd(Dim.of(2)), values, longs(1, 3, 1)));
  }
}
