package dev.nnet.runtime.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileTest {
  private static final SourceSpan MATMUL_SPAN = new SourceSpan("mlp.nnet", 7, 3, 7, 9);

  @Test
  void countsRunsAndAttributesKernelTimeToNodesAndOps() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.add(new Op.Input("x", TensorType.f32(Shape.of(64, 64))), null);
    Value y = g.add(new Op.MatMul(), MATMUL_SPAN, x, x);
    g.output("y", g.add(new Op.Binary(BinaryFn.ADD), null, y, x));
    Graph graph = g.build();
    Executor exec = new Executor(graph);
    Profile profile = new Profile(graph);
    Tensor x64 = Tensor.full(0.5f, 64, 64);
    for (int i = 0; i < 3; i++) {
      exec.run(Map.of("x", x64), 0, profile);
    }
    exec.run(Map.of("x", x64), 0); // not profiled
    assertEquals(3, profile.runs());
    assertEquals(Set.of("input", "matmul", "add"), profile.byOp().keySet());
    long sum = profile.byOp().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(profile.totalNanos(), sum);
    assertTrue(profile.byOp().get("matmul") > 0);
    String table = profile.table(2);
    assertTrue(table.startsWith("profile: 3 runs"), table);
    assertTrue(table.contains("%1 = matmul : [64, 64]  # mlp.nnet:7:3"), table);
    assertEquals(2, table.lines().filter(l -> l.contains(" ms  %")).count(), table);
  }
}
