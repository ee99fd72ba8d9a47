package dev.nnet.golden;

import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Matrix products, 2-D and batched with broadcast leading dims, against PyTorch ({@code golden/matmul.txt}). */
class MatMulGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("matmul.txt");
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
    Value y = GoldenCheck.op(b, new Op.MatMul(), in.get("a"), in.get("b"));
    return GoldenCheck.check(c, b, in, y);
  }
}
