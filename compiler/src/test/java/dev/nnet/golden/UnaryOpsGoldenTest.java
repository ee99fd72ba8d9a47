package dev.nnet.golden;

import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.UnaryFn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every elementwise unary primitive, forward and gradient, against PyTorch ({@code golden/unary.txt}). */
class UnaryOpsGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("unary.txt");
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
    UnaryFn fn = UnaryFn.valueOf(c.attr("op").toUpperCase());
    Value y = GoldenCheck.op(b, new Op.Unary(fn), in.get("x"));
    return GoldenCheck.check(c, b, in, y);
  }
}
