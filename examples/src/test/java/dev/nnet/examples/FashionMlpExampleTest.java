package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnet.runtime.backend.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Fashion-MNIST MLP of the PyTorch baselines (235,146 parameters) reaches at least 0.86 test
 * accuracy after 5 epochs (PyTorch: 0.868 +- 0.003).
 * Needs Debian's dataset-fashion-mnist (CI installs it).
 */
class FashionMlpExampleTest {
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

  @ParameterizedTest(name = "on {0}")
  @MethodSource("dev.nnet.examples.ExampleFiles#backends")
  void reachesBaselineAccuracy(Backend backend) throws Exception {
    assumeTrue(Files.exists(DATA), "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
    ExampleFiles.Trained t = ExampleFiles.trainAndTest("fashion/mlp.nnet", backend);
    assertEquals(235_146, ExampleFiles.trainableParameters(t.plan()), "parameters, as the baseline's model");
    assertTrue(t.test().metrics().get("accuracy") >= 0.86, "test " + t.test() + "\n" + t.log());
  }
}
