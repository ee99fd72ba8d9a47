package dev.nnet.golden;

import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sum, mean and max (torch.amax, ties share the gradient evenly) over axes with and without keepdim,
 * against PyTorch ({@code golden/reduce.txt}).
 */
class ReductionsGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("reduce.txt");
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
    ReduceFn fn = ReduceFn.valueOf(c.attr("op").toUpperCase());
    Value y = GoldenCheck.op(b, new Op.Reduce(fn, c.intList("axes"), Boolean.parseBoolean(c.attr("keep"))), in.get("x"));
    return GoldenCheck.check(c, b, in, y);
  }
}
