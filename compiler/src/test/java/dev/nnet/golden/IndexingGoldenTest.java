package dev.nnet.golden;

import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gather (embedding rows; repeated indices accumulate their gradients) and one_hot, against
 * PyTorch's F.embedding and F.one_hot ({@code golden/indexing.txt}).
 */
class IndexingGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("indexing.txt");
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
    Value y = switch (c.attr("op")) {
      case "gather" -> GoldenCheck.op(b, new Op.Gather(), in.get("table"), in.get("idx"));
      case "one_hot" -> GoldenCheck.op(b, new Op.OneHot(Long.parseLong(c.attr("classes"))), in.get("idx"));
      default -> throw new IllegalStateException("unknown op " + c.attr("op"));
    };
    return GoldenCheck.check(c, b, in, y);
  }
}
