package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
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

/** The README's main job: the digits MLP trains to high accuracy on the data shipped in the repo. */
class DigitsExampleTest {
  @ParameterizedTest(name = "on {0}")
  @MethodSource("dev.nnet.examples.ExampleFiles#backends")
  void digitsMlpLearnsTheTestSet(Backend backend) throws Exception {
    Path file = Path.of("digits/mlp.nnet");
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    TrainingPlan p = r.plans().get(0);
    Map<String, Dataset> splits = p.data().load(backend);
    Trainer.Config config = p.trainerConfig(splits, null, null);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Trainer trainer = new Trainer(config, backend, new ProgressBar(new PrintStream(log), false, System::nanoTime));
    var history = trainer.fit();
    Trainer.Scores test = trainer.evaluate(splits.get("test"));
    assertTrue(history.get(history.size() - 1).train().loss() < history.get(0).train().loss(), "loss decreases");
    assertTrue(test.metrics().get("accuracy") >= 0.95, "test accuracy " + test + "\n" + log);
  }
}
