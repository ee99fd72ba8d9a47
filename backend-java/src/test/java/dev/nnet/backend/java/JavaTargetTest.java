package dev.nnet.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.ir.DType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.exec.ExecutionError;
import dev.nnet.runtime.interpreter.Executor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nnet compile --target java} on a small classifier: the generated source matches the
 * golden files beside this test (regenerate with {@code -Dnnet.updateGolden=true} and review the
 * diff), compiles with {@code -Xlint:all -Werror} against the runtime alone, and the typed class
 * computes what the reference executor computes: forward (bit for bit), one row, a training step;
 * a wrong input shape is an error that names the dim.
 */
class JavaTargetTest {
  static final String SOURCE = """
      /// A two-layer classifier, for the generated-code golden test.
      model Tiny(hidden: int = 8) {
        fc1 = Linear(4, hidden)
        fc2 = Linear(hidden, 3)
        forward(x: [N, 4]) -> [N, 3] = x |> fc1 |> relu |> fc2
      }

      data rows = csv("tiny.csv") {
        x: [4] = row[0..4]
        label: i64 = cast(row[4], i64)
        split train = rows[0..8]
      }

      train Tiny() on rows {
        logits = model(x)
        loss = cross_entropy(logits, label)
        metrics = [accuracy(logits, label)]
        optimizer = sgd(lr = 0.1, momentum = 0.9)
        batch = 4
        epochs = 1
      }
      """;
  private static final Path GOLDEN = Path.of("src/test/golden");

  static TrainingPlan plan() {
    Compiler.Result r = Compiler.check(new SourceFile("tiny.nnet", SOURCE));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    return r.plans().get(0);
  }

  @Test
  void generatedSourceMatchesGolden(@TempDir Path out) throws Exception {
    Compiler.Result r = Compiler.check(new SourceFile("tiny.nnet", SOURCE));
    // The golden is the code users get: without the slot checks this module's tests switch on.
    String checkSlots = System.clearProperty("nnet.java.checkSlots");
    List<Path> files;
    try {
      files = JavaTarget.generate(r, "dev.nnet.tiny", out);
    } finally {
      if (checkSlots != null) {
        System.setProperty("nnet.java.checkSlots", checkSlots);
      }
    }
    assertEquals(4, files.size(), files::toString);
    for (String name : List.of("Tiny", "TinyPredict")) {
      String actual = Files.readString(out.resolve("dev/nnet/tiny/" + name + ".java"));
      Path golden = GOLDEN.resolve(name + ".java.txt");
      if (Boolean.getBoolean("nnet.updateGolden")) {
        Files.createDirectories(GOLDEN);
        Files.writeString(golden, actual);
      }
      assertEquals(Files.readString(golden), actual, name + " differs from " + golden
          + "; if the change is intended, rerun with -Dnnet.updateGolden=true and review the diff");
    }
    String model = Files.readString(out.resolve("dev/nnet/tiny/Tiny.java"));
    assertTrue(model.contains("A two-layer classifier, for the generated-code golden test."), "doc comment");
    assertTrue(model.contains("@param x [N, 4]"), "shapes in the Javadoc");
    String step = Files.readString(out.resolve("dev/nnet/tiny/TinyStep.java"));
    assertTrue(step.contains("// tiny.nnet:"), "every statement names its .nnet line");
    assertFalse(step.contains("dev.nnet.check") || step.contains("dev.nnet.opt"), "depends on the runtime only");
    assertTrue(step.contains("float[][] slots = ws.slots(") && step.contains("ws.into(slots["),
        "kernels write into the memory plan's slots");
    assertFalse(step.contains("requireInSlot"), "no slot checks unless asked for");
  }

  @Test
  void typedModelComputesWhatTheReferenceComputes() throws Exception {
    TrainingPlan plan = plan();
    Class<?> tiny = compileTiny(plan);
    Map<String, Tensor> values = initialValues(plan);
    Object model = tiny.getConstructor(Map.class).newInstance(values);

    Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f, 1f, 1f, -0.5f, 3f}, 2, 4);
    Tensor y = (Tensor) tiny.getMethod("forward", Tensor.class).invoke(model, x);
    Map<String, Tensor> feeds = new LinkedHashMap<>(values);
    feeds.put("x", x);
    Tensor reference = new Executor(plan.predict()).run(feeds, 0).values().iterator().next();
    assertArrayEquals(reference.shape(), y.shape());
    assertArrayEquals(reference.floats(), y.floats(), "bit for bit");

    float[] row = (float[]) tiny.getMethod("forward", float[].class).invoke(model, (Object) new float[] {0.5f, -1f, 2f, 0.25f});
    // One row runs sgemm's vector-matrix path, which sums in another order than the batch's blocked
    // kernel (as in PyTorch, a row's result need not be bit-identical to its batch's): close, not equal.
    assertArrayEquals(java.util.Arrays.copyOf(reference.floats(), 3), row, 1e-6f, "one row");

    Object fresh = tiny.getMethod("initialized", long.class).invoke(null, 1L);
    @SuppressWarnings("unchecked")
    Map<String, Tensor> freshValues = (Map<String, Tensor>) tiny.getMethod("values").invoke(fresh);
    assertEquals(values.keySet(), freshValues.keySet());
    values.forEach((name, t) -> assertArrayEquals(t.floats(), freshValues.get(name).floats(), "initialized " + name));

    Tensor weight = (Tensor) tiny.getMethod("fc1Weight").invoke(model);
    assertArrayEquals(values.get("fc1.weight").floats(), weight.floats(), "named accessor");

    Method forward = tiny.getMethod("forward", Tensor.class);
    InvocationTargetException wrong = assertThrows(InvocationTargetException.class,
        () -> forward.invoke(model, Tensor.of(new float[10], 2, 5)));
    assertTrue(wrong.getCause() instanceof ExecutionError, wrong.getCause()::toString);
    assertTrue(wrong.getCause().getMessage().contains("input `x` expects shape [N, 4], got [2, 5]: dim 1 is 5, expected 4"),
        wrong.getCause().getMessage());
  }

  @Test
  void trainStepUpdatesLikeTheReferenceStep() throws Exception {
    TrainingPlan plan = plan();
    Class<?> tiny = compileTiny(plan);
    Map<String, Tensor> values = initialValues(plan);
    Object model = tiny.getConstructor(Map.class).newInstance(values);
    Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f, 1f, 1f, -0.5f, 3f, 0f, 0f, 1f, 1f, -2f, 1f, 0f, 0.5f}, 4, 4);
    Tensor label = Tensor.ofLongs(new long[] {0, 2, 1, 2}, 4);
    @SuppressWarnings("unchecked")
    Map<String, Double> scores = (Map<String, Double>) tiny
        .getMethod("trainStep", Tensor.class, Tensor.class, float.class, long.class, long.class, long.class)
        .invoke(model, x, label, 0.1f, 0L, 0L, 7L);

    Map<String, Tensor> feeds = new LinkedHashMap<>(values);
    feeds.put("x", x);
    feeds.put("label", label);
    feeds.put("lr", Tensor.scalar(0.1f));
    feeds.put("epoch", Tensor.ofLongs(new long[] {0}));
    feeds.put("step", Tensor.ofLongs(new long[] {0}));
    Map<String, Tensor> ref = new Executor(plan.step()).run(feeds, 7L);
    assertEquals(ref.get("loss").item(), scores.get("loss"), 1e-6, "loss");
    @SuppressWarnings("unchecked")
    Map<String, Tensor> after = (Map<String, Tensor>) tiny.getMethod("values").invoke(model);
    for (var slot : plan.stepSignature().outputs()) {
      if (slot.replaces() != null) {
        float[] want = ref.get(slot.name()).floats();
        float[] got = after.get(slot.replaces()).floats();
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], 1e-6f, slot.replaces() + "[" + i + "]");
        }
      }
    }
  }

  /** The four generated classes compiled together, strictly; the typed one loaded. */
  static Class<?> compileTiny(TrainingPlan plan) throws ClassNotFoundException {
    Map<String, String> sources = new LinkedHashMap<>();
    for (JavaFile f : JavaTarget.files(plan, "Tiny", "dev.nnet.tiny", "")) {
      sources.put(f.packageName() + "." + f.typeSpec().name(), f.toString());
    }
    return InMemoryCompiler.compile(sources, true).loadClass("dev.nnet.tiny.Tiny");
  }

  /** Parameters and optimizer state initialized as the trainer does (seed 1). */
  static Map<String, Tensor> initialValues(TrainingPlan plan) {
    SplittableRandom init = new SplittableRandom(1);
    Map<String, Tensor> values = new LinkedHashMap<>();
    for (ParamSpec p : plan.params()) {
      values.put(p.name(), p.init().create(p.shape().sizes(), init));
    }
    for (ParamSpec p : plan.optimizerState()) {
      values.put(p.name(), p.init().create(p.shape().sizes(), init));
    }
    for (Map.Entry<String, Tensor> e : values.entrySet()) {
      assertEquals(DType.F32, e.getValue().dtype(), e.getKey());
    }
    return values;
  }
}
