package dev.nnet.runtime.exec;

import dev.nnet.runtime.interpreter.Executor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Test fixture: runs one op on concrete inputs through the {@link Executor}, and compares tensors. */
final class SingleOpGraph {
  static final SourceSpan SPAN = new SourceSpan("test.nnet", 7, 3, 7, 20);

  private SingleOpGraph() {}

  /** Runs {@code op} on {@code inputs} (fed as inputs {@code in0, in1, ...}); returns its result. */
  static Tensor run(Op op, Tensor... inputs) throws ShapeError {
    GraphBuilder g = new GraphBuilder();
    GraphBuilder.Value[] vs = new GraphBuilder.Value[inputs.length];
    Map<String, Tensor> feeds = new HashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      vs[i] = g.input("in" + i, typeOf(inputs[i]));
      feeds.put("in" + i, inputs[i]);
    }
    g.output("y", g.add(op, SPAN, vs));
    return new Executor(g.build()).run(feeds, 0).get("y");
  }

  static TensorType typeOf(Tensor t) {
    return new TensorType(t.dtype(), Shape.of(Arrays.stream(t.shape()).asLongStream().toArray()));
  }

  static void assertFloats(Tensor actual, int[] shape, float... expected) {
    assertArrayEquals(shape, actual.shape(), "shape");
    assertArrayEquals(expected, actual.floats(), 1e-6f, () -> "values " + Arrays.toString(actual.floats()));
  }

  static void assertLongs(Tensor actual, int[] shape, long... expected) {
    assertEquals(dev.nnet.ir.DType.I64, actual.dtype());
    assertArrayEquals(shape, actual.shape(), "shape");
    assertArrayEquals(expected, actual.longs());
  }

  static int[] shape(int... dims) {
    return dims;
  }
}
