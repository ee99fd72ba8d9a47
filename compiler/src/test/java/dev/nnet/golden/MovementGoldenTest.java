package dev.nnet.golden;

import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** reshape, permute, expand, slice and concat, forward and gradients, against PyTorch ({@code golden/movement.txt}). */
class MovementGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("movement.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(GoldenFile.Case c) {
    run(c);
  }

  /** Builds the case's graph, checks it against PyTorch and returns it (for {@link OpCoverageTest}). */
  static Graph run(GoldenFile.Case c) {
    GraphBuilder b = new GraphBuilder();
    Map<String, Value> in = GoldenCheck.inputs(c, b);
    Value x = in.get("x0");
    Value y = switch (c.attr("op")) {
      case "reshape" -> GoldenCheck.op(b, new Op.Reshape(shape(c.intList("shape"))), x);
      case "permute" -> GoldenCheck.op(b, new Op.Permute(c.intList("order")), x);
      case "expand" -> GoldenCheck.op(b, new Op.Expand(shape(c.intList("shape"))), x);
      case "slice" -> GoldenCheck.op(b, new Op.Slice(Integer.parseInt(c.attr("axis")), Long.parseLong(c.attr("start")),
          Long.parseLong(c.attr("end")), 1), x);
      case "concat" -> GoldenCheck.op(b, new Op.Concat(Integer.parseInt(c.attr("axis"))), in.values().toArray(Value[]::new));
      default -> throw new IllegalStateException("unknown op " + c.attr("op"));
    };
    return GoldenCheck.check(c, b, in, y);
  }

  private static Shape shape(List<Integer> sizes) {
    return Shape.of(sizes.stream().mapToLong(Integer::longValue).toArray());
  }
}
