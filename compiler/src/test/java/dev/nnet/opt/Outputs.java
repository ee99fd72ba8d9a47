package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import java.util.Map;

/** Runs graphs on the reference executor and compares their outputs bit for bit. */
final class Outputs {
  private Outputs() {}

  static Map<String, Tensor> run(Graph g, Map<String, Tensor> feeds) {
    return new Executor(g).run(feeds, 7);
  }

  /** Asserts that {@code before} and {@code after} give the same outputs, bit for bit, for {@code feeds}. */
  static void assertSame(Graph before, Graph after, Map<String, Tensor> feeds) {
    Map<String, Tensor> a = run(before, feeds);
    Map<String, Tensor> b = run(after, feeds);
    assertEquals(a.keySet(), b.keySet());
    a.forEach((name, t) -> {
      Tensor u = b.get(name);
      assertArrayEquals(t.shape(), u.shape(), name);
      assertEquals(t.dtype(), u.dtype(), name);
      if (t.dtype() == DType.I64) {
        assertArrayEquals(t.longs(), u.longs(), name);
      } else {
        float[] x = t.floats();
        float[] y = u.floats();
        for (int i = 0; i < x.length; i++) {
          assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), name + "[" + i + "]: " + x[i] + " vs " + y[i]);
        }
      }
    });
  }
}
