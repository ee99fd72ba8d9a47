package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.backend.CompiledGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Differentiation and counters in training code: {@code grad(...)}, schedules over {@code epoch}, custom steps. */
class TrainingCodeTest {
  @TempDir
  Path dir;

  @Test
  void gradOfACubeIsThreeSquares() {
    Compiler.Result r = Compiler.check(new SourceFile("g.nnet", """
        model G() {
          forward(x: [3]) = grad(sum(x * x * x), x)
        }
        """), false);
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    var graph = r.models().get(0).traced();
    Tensor y = new dev.nnet.runtime.interpreter.Executor(graph)
        .run(Map.of("x", Tensor.of(new float[] {1, -2, 0.5f}, 3)), 0).get("forward");
    assertEquals(3f, y.floats()[0], 1e-6);
    assertEquals(12f, y.floats()[1], 1e-6);
    assertEquals(0.75f, y.floats()[2], 1e-6);
  }

  @Test
  void aLearningRateScheduleReadsTheEpochCounter() throws Exception {
    TrainingPlan p = plan("""
        model Line() {
          param w: [1] = zeros
          forward(x: [N, 1]) -> [N, 1] = x * w
        }
        data d = csv("d.csv") {
          x: [1] = row[0..1]
          y: [1] = row[1..2]
        }
        train Line() on d {
          loss = mean((model(x) - y) ** 2.0)
          optimizer = sgd(lr = 0.5 * 0.5 ** cast(epoch, f32))
        }
        """);
    CompiledGraph step = Backends.reference().compile(p.step(), p.stepSignature());
    float early = newWeight(step, 0);
    float late = newWeight(step, 2);
    // d loss / d w at w = 0 is -2 * x * y = -4 for x = 1, y = 2: w' = lr * 4.
    assertEquals(0.5f * 4, early, 1e-6, "epoch 0: lr 0.5");
    assertEquals(0.125f * 4, late, 1e-6, "epoch 2: lr 0.125");
  }

  @Test
  void aModelWhoseForwardReturnsATupleTrains() throws Exception {
    TrainingPlan p = plan("""
        model TwoHeads() {
          param w: [1] = zeros
          forward(x: [N, 1]) = (x * w, mean(w * w))
        }
        data d = csv("d.csv") {
          x: [1] = row[0..1]
          y: [1] = row[1..2]
        }
        train TwoHeads() on d {
          out = model(x)
          loss = mean((out[0] - y) ** 2.0) + 0.1 * out[1]
          optimizer = sgd(lr = 0.5)
        }
        """);
    CompiledGraph step = Backends.reference().compile(p.step(), p.stepSignature());
    // d/dw of (w x - y)^2 + 0.1 w^2 at w = 0, x = 1, y = 2 is -4; a constant rate is the loop's
    // `lr` input, which newWeight feeds as 99: w' = 99 * 4.
    assertEquals(99f * 4, newWeight(step, 0), 1e-3);
    assertEquals(java.util.List.of("output"), p.predictSignature().outputs().stream()
        .map(dev.nnet.ir.Signature.OutputSlot::name).toList(), "prediction reports the tuple's first tensor");
  }

  @Test
  void aStepWithoutMinimizeIsAnError() throws Exception {
    Compiler.Result r = check("""
        model Line() {
          param w: [1] = zeros
          forward(x: [N, 1]) -> [N, 1] = x * w
        }
        data d = csv("d.csv") {
          x: [1] = row[0..1]
          y: [1] = row[1..2]
        }
        train Line() on d {
          optimizer = sgd(lr = 0.1)
          fn step() {
            return mean((model(x) - y) ** 2.0)
          }
        }
        """);
    assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().contains("never calls `minimize`")), r.diagnostics().toString());
  }

  private float newWeight(CompiledGraph step, long epoch) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    feeds.put("w", Tensor.of(new float[] {0}, 1));
    feeds.put("x", Tensor.of(new float[] {1}, 1, 1));
    feeds.put("y", Tensor.of(new float[] {2}, 1, 1));
    feeds.put("lr", Tensor.scalar(99f)); // the loop's constant rate: the schedule must not read it
    feeds.put("epoch", Tensor.ofLongs(new long[] {epoch}));
    feeds.put("step", Tensor.ofLongs(new long[] {0}));
    return step.run(feeds, 0).get("new:w").floats()[0];
  }

  private TrainingPlan plan(String source) throws Exception {
    Compiler.Result r = check(source);
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    return r.plans().get(0);
  }

  private Compiler.Result check(String source) throws Exception {
    Files.writeString(dir.resolve("d.csv"), "1,2\n");
    Path file = dir.resolve("t.nnet");
    Files.writeString(file, source);
    return Compiler.check(new SourceFile(file.toString(), source));
  }
}
