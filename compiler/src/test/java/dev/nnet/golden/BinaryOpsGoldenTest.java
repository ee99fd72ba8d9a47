package dev.nnet.golden;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broadcasting binary primitives (add, sub, mul, div, pow, maximum, minimum with exact ties) and
 * where, forward and gradients, against PyTorch ({@code golden/binary.txt}).
 */
class BinaryOpsGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("binary.txt");
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
    String op = c.attr("op");
    Value y = op.equals("where")
        ? GoldenCheck.op(b, new Op.Where(), in.get("cond"), in.get("a"), in.get("b"))
        : GoldenCheck.op(b, new Op.Binary(BinaryFn.valueOf(op.toUpperCase())), in.get("a"), in.get("b"));
    return GoldenCheck.check(c, b, in, y);
  }
}
