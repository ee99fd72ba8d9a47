package dev.nnet.runtime.interpreter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scan loop's results own their arrays, even when the loop leaves a carry as it came in. */
class ScanLoopTest {
  /**
   * {@code a = 2h}; a scan of {@code steps} steps whose body passes its carry through, started from
   * {@code a}; then {@code b = 3h}, the same size, computed after the scan is the last reader of
   * {@code a}. The scan's final carry must still be {@code 2h}, not the array {@code b} reused.
   */
  static Graph passThrough(long steps) throws Exception {
    GraphBuilder body = new GraphBuilder();
    TensorType t = TensorType.f32(Shape.of(4));
    body.output("carry0", body.input("carry0", t));
    Graph bodyGraph = body.build();
    GraphBuilder g = new GraphBuilder();
    Value h = g.input("h", t);
    Value a = g.add(new Op.Binary(BinaryFn.MUL), null, h, g.scalar(2));
    Op.Scan scan = new Op.Scan(bodyGraph, 1, 0, 0, Dim.of(steps), false);
    Value loop = g.add(scan, null, a);
    Value last = g.add(new Op.ScanResult(0, scan.resultType(0)), null, loop);
    Value b = g.add(new Op.Binary(BinaryFn.MUL), null, h, g.scalar(3));
    g.output("last", last);
    g.output("b", b);
    return g.build();
  }

  @Test
  void aCarryLeftAsItCameInIsNotOverwrittenByALaterValue() throws Exception {
    Map<String, Tensor> feeds = Map.of("h", Tensor.of(new float[] {1, 2, 3, 4}, 4));
    for (long steps : new long[] {0, 3}) {
      Executor executor = new Executor(passThrough(steps));
      for (int run = 0; run < 2; run++) { // the second run takes arrays the first gave back
        Map<String, Tensor> out = executor.run(feeds, 0);
        assertArrayEquals(new float[] {2, 4, 6, 8}, out.get("last").floats(), steps + " steps, run " + run);
        assertArrayEquals(new float[] {3, 6, 9, 12}, out.get("b").floats());
      }
    }
  }
}
