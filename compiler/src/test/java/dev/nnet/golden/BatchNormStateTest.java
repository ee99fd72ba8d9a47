package dev.nnet.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.backend.CompiledGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Buffers updated with {@code :=}: std.nn's BatchNorm1d/2d, trained for three steps, end with
 * PyTorch's running statistics after every step ({@code golden/batchnorm.txt}), normalize each
 * training batch with its own statistics, and in evaluation normalize with the running ones.
 */
class BatchNormStateTest {
  @TempDir
  Path dir;

  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("batchnorm.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void runningStatisticsMatchPyTorch(GoldenFile.Case c) throws Exception {
    int[] shape = c.row("batch1", "x").shape();
    int perSample = 1;
    StringBuilder dims = new StringBuilder("N");
    for (int i = 1; i < shape.length; i++) {
      perSample *= shape[i];
      dims.append(", ").append(shape[i]);
    }
    Path file = dir.resolve("bn.nnet");
    Files.writeString(dir.resolve("none.csv"), "0\n");
    Files.writeString(file, """
        model M() {
          bn = %s(%s)
          forward(x: [%s]) = bn(x)
        }
        data d = csv("none.csv") {
          x: [%s] = fill([%s], 0.0) + row[0]
        }
        train M() on d {
          y = model(x)
          loss = mean(y) * 0.0
          metrics = [sum(y * y), mean(y * x)]
          optimizer = sgd(lr = 0.1)
        }
        """.formatted(c.attr("layer"), c.attr("num_features"), dims, dims.substring(3), dims.substring(3)));
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    TrainingPlan p = r.plans().get(0);
    Backend backend = Backends.reference();
    CompiledGraph step = backend.compile(p.step(), p.stepSignature());

    Map<String, Tensor> state = new LinkedHashMap<>();
    int channels = Integer.parseInt(c.attr("num_features"));
    state.put("bn.weight", Tensor.full(1f, channels));
    state.put("bn.bias", Tensor.full(0f, channels));
    state.put("bn.running_mean", Tensor.full(0f, channels));
    state.put("bn.running_var", Tensor.full(1f, channels));
    for (int k = 1; k <= Integer.parseInt(c.attr("steps")); k++) {
      Map<String, Tensor> feeds = new LinkedHashMap<>(state);
      Tensor x = c.row("batch" + k, "x").tensor();
      feeds.put("x", x);
      feeds.put("lr", Tensor.scalar(0.1f));
      feeds.put("epoch", Tensor.ofLongs(new long[] {0}));
      feeds.put("step", Tensor.ofLongs(new long[] {k}));
      Map<String, Tensor> out = step.run(feeds, k);
      for (Signature.OutputSlot slot : p.stepSignature().outputs(Signature.OutputRole.UPDATE)) {
        state.put(slot.replaces(), out.get(slot.name()));
      }
      List<String> problems = new java.util.ArrayList<>();
      GoldenCheck.compare(c.name(), "running_mean after step " + k, c.row("running_mean" + k, "bn"),
          state.get("bn.running_mean"), problems);
      GoldenCheck.compare(c.name(), "running_var after step " + k, c.row("running_var" + k, "bn"),
          state.get("bn.running_var"), problems);
      GoldenCheck.failIfAny(problems);
      double[] y = c.row("out" + k, "y").values();
      double squares = 0;
      double times = 0;
      for (int i = 0; i < y.length; i++) {
        squares += y[i] * y[i];
        times += y[i] * x.floats()[i];
      }
      assertEquals(squares, out.get("sum").item(), 1e-4 * Math.abs(squares), "sum(y * y) of the training output, step " + k);
      assertEquals(times / y.length, out.get("mean").item(), 1e-4 * Math.max(1, Math.abs(times / y.length)),
          "mean(y * x) of the training output, step " + k);
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>(state);
    feeds.put("x", c.row("batch4", "x").tensor());
    Tensor eval = backend.compile(p.predict(), p.predictSignature()).run(feeds, 0).get("output");
    List<String> problems = new java.util.ArrayList<>();
    GoldenCheck.compare(c.name(), "evaluation output, normalized with the running statistics", c.row("eval_out4", "y"),
        eval, problems);
    GoldenCheck.failIfAny(problems);
  }
}
