package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.opt.FusionGroups;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The IR of the digits MLP's training step (forward, gradients, SGD-momentum update) after the
 * optimization passes, with its fusion groups, as printed by {@code nnet compile --emit ir}, equals
 * the committed golden file. After an intended change,
 * regenerate with {@code mvn -pl examples test -Dtest=IrDumpGoldenTest -Dnnet.updateGolden=true}.
 */
class IrDumpGoldenTest {
  @Test
  void digitsTrainingStepMatchesGolden() throws Exception {
    Compiler.Result r = ExampleFiles.check("digits/mlp.nnet");
    TrainingPlan p = r.plans().get(0);
    String actual = FusionGroups.plan(p.step()).dump();
    Path golden = Path.of("digits/mlp.step.ir");
    if (Boolean.getBoolean("nnet.updateGolden")) {
      Files.writeString(golden, actual);
    }
    assertEquals(Files.readString(golden), actual);
  }
}
