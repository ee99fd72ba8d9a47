package dev.nnet.golden;

import dev.nnet.ir.Graph;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * std.nn's RNN, LSTM and GRU (each a {@code scan} over time) against torch.nn's modules
 * ({@code golden/recurrent.txt}): outputs and final states, and the gradients of the input and of
 * every weight, through the checker as {@link StdlibGoldenTest} does, with the layer as the model's
 * field {@code m}.
 */
class RecurrentGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("recurrent.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(GoldenFile.Case c) {
    run(c);
  }

  /** Checks the case against PyTorch and returns the graph that ran (for {@link OpCoverageTest}). */
  static Graph run(GoldenFile.Case c) {
    return StdlibGoldenTest.checkThroughChecker(c);
  }
}
