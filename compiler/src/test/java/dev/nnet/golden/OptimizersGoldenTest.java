package dev.nnet.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnet.grad.OptimizerLowering;
import dev.nnet.ir.DType;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import dev.nnet.runtime.init.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizer updates that {@link OptimizerLowering} writes as IR (SGD with momentum, Nesterov,
 * dampening and weight decay; Adam; AdamW) against {@code torch.optim}: the same parameter fed the
 * same gradients for several steps must take the same values after each step
 * ({@code golden/optimizers.txt}). State is carried between steps as the training loop does:
 * every {@code new:<name>} output feeds {@code <name>} on the next step.
 */
class OptimizersGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("optimizers.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTorchOptim(GoldenFile.Case c) {
    GoldenFile.Row p0 = c.row("in", "p");
    Shape shape = GoldenCheck.shapeOf(p0.shape());
    GraphBuilder b = new GraphBuilder();
    Value p = b.parameter("p", TensorType.f32(shape), true);
    Value g = b.input("g", TensorType.f32(shape));
    Value lr = b.input("lr", TensorType.f32(Shape.scalar()));
    OptimizerLowering lowering = new OptimizerLowering(b, SourceSpan.NONE);
    lowering.lower(c.attr("kind"), options(c.attr("options")), List.of(new ParamSpec("p", shape, new Initializer.Zeros(), true)),
        List.of(p), List.of(g), lr);
    lowering.updates().forEach((name, v) -> b.output("new:" + name, v));
    Executor exec = new Executor(b.build());

    Map<String, Tensor> feeds = new LinkedHashMap<>();
    feeds.put("p", p0.tensor());
    feeds.put("lr", Tensor.scalar(Float.parseFloat(c.attr("lr"))));
    for (ParamSpec s : lowering.states()) {
      feeds.put(s.name(), Tensor.zeros(DType.F32, s.shape().sizes()));
    }
    int steps = Integer.parseInt(c.attr("steps"));
    List<String> problems = new ArrayList<>();
    for (int k = 1; k <= steps; k++) {
      feeds.put("g", c.row("in", "grad" + k).tensor());
      Map<String, Tensor> out = exec.run(feeds, 0);
      out.forEach((name, v) -> feeds.put(name.substring("new:".length()), v));
      GoldenCheck.compare(c.name(), "p after step " + k, c.row("out", "p" + k), out.get("new:p"), problems);
    }
    GoldenCheck.failIfAny(problems);
  }

  /** {@code momentum=0.9 nesterov=1.0} to the option map that the checker builds from a train block. */
  static Map<String, Double> options(String text) {
    Map<String, Double> o = new LinkedHashMap<>();
    for (String kv : text.trim().split(" +")) {
      if (!kv.isEmpty()) {
        String[] parts = kv.split("=");
        o.put(parts[0], Double.parseDouble(parts[1]));
      }
    }
    return o;
  }

  @Test
  void everyKindIsCovered() {
    List<String> kinds = cases().stream().map(c -> c.attr("kind")).distinct().sorted().toList();
    assertEquals(List.of("adam", "adamw", "sgd"), kinds);
  }
}
