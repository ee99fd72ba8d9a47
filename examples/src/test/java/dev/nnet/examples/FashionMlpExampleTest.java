package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnet.check.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.ProgressBar;
import dev.nnet.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Example (d): the Fashion-MNIST MLP of the PyTorch baselines reaches at least 0.86 test accuracy
 * after 5 epochs. Needs Debian's dataset-fashion-mnist (CI installs it).
 */
class FashionMlpExampleTest {
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

  @ParameterizedTest(name = "on {0}")
  @MethodSource("dev.nnet.examples.ExampleFiles#backends")
  void reachesBaselineAccuracy(Backend backend) throws Exception {
    assumeTrue(Files.exists(DATA), "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
    Compiler.Result r = ExampleFiles.check("fashion/mlp.nnet");
    TrainingPlan p = r.plans().get(0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, Dataset> splits = p.data().load(backend);
    Trainer trainer = new Trainer(p.trainerConfig(splits, null, null), backend,
        new ProgressBar(new PrintStream(log), false, System::nanoTime));
    trainer.fit();
    Trainer.Scores test = trainer.evaluate(splits.get("test"));
    assertTrue(test.metrics().get("accuracy") >= 0.86, "test " + test + "\n" + log);
  }
}
