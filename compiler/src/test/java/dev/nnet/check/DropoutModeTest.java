package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.ir.Op;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dropout is inverted in training (zero with probability p, scale by 1/(1-p)) and the identity in evaluation. */
class DropoutModeTest {
  @TempDir
  Path dir;

  @Test
  void trainingDropsAndScalesEvaluationIsIdentity() throws Exception {
    Files.writeString(dir.resolve("d.csv"), "1,1,1,1\n2,2,2,2\n");
    Path file = dir.resolve("d.nnet");
    Files.writeString(file, """
        model Drop() {
          drop = Dropout(0.25)
          forward(x: [N, 4]) -> [N, 4] = x |> drop
        }
        data d = csv("d.csv") {
          x: [4] = row
        }
        train Drop() on d {
          y = model(x)
          loss = mean(y * y)
          optimizer = sgd(lr = 0.1)
        }
        """);
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    TrainingPlan p = r.plans().get(0);
    assertTrue(p.step().nodes().stream().anyMatch(n -> n.op() instanceof Op.RandomUniform), "training draws a mask");
    assertTrue(p.predict().nodes().stream().noneMatch(n -> n.op() instanceof Op.RandomUniform), "evaluation does not");

    int n = 20000;
    float[] ones = new float[n * 4];
    java.util.Arrays.fill(ones, 1f);
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    feeds.put("x", Tensor.of(ones, n, 4));
    feeds.put("lr", Tensor.scalar(0.1f));
    feeds.put("epoch", Tensor.ofLongs(new long[] {0}));
    feeds.put("step", Tensor.ofLongs(new long[] {0}));
    Backend backend = Backends.reference();
    Tensor train = backend.compile(p.step(), p.stepSignature()).run(feeds, 3).get("loss");
    Tensor eval = backend.compile(p.predict(), p.predictSignature()).run(Map.of("x", Tensor.of(ones.clone(), n, 4)), 3)
        .get("output");
    for (float v : eval.floats()) {
      assertEquals(1f, v, "evaluation passes values through");
    }
    // y = mask / (1 - p) with P(mask = 1) = 1 - p, so E[y^2] = 1 / (1 - p) = 4/3; without dropout it would be 1.
    assertEquals(4.0 / 3.0, train.item(), 0.02);
  }
}
