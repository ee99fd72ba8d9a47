package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.train.ProgressBar;
import dev.nnet.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Example (b): a 2-2-1 sigmoid MLP learns XOR with SGD. */
class XorExampleTest {
  @ParameterizedTest(name = "on {0}")
  @MethodSource("dev.nnet.examples.ExampleFiles#backends")
  void learnsTheTruthTable(Backend backend) throws Exception {
    Compiler.Result r = ExampleFiles.check("xor/xor.nnet");
    TrainingPlan p = r.plans().get(0);
    Trainer trainer = new Trainer(p.trainerConfig(p.data().load(backend), null, null), backend,
        new ProgressBar(new PrintStream(new ByteArrayOutputStream()), false, System::nanoTime));
    var history = trainer.fit();
    assertTrue(history.get(history.size() - 1).train().loss() < 0.05, "final loss " + history.get(history.size() - 1));
    Map<String, Tensor> feeds = new LinkedHashMap<>(trainer.values());
    feeds.put("x", Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2));
    Tensor out = backend.compile(p.predict(), p.predictSignature()).run(feeds, 0).get("output");
    float[] truth = {0, 1, 1, 0};
    for (int i = 0; i < 4; i++) {
      assertEquals(truth[i], Math.round(out.floats()[i]), "row " + i + " output " + out.floats()[i]);
    }
  }
}
