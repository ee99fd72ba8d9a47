package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.ProgressBar;
import dev.nnet.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads and checks an example file (tests run in the examples module directory), and lists the
 * backends every example runs on: each registered backend joins the suite by registering itself.
 */
final class ExampleFiles {
  private ExampleFiles() {}

  /** Every registered backend, for {@code @MethodSource("dev.nnet.examples.ExampleFiles#backends")}. */
  static Stream<Backend> backends() {
    return Backends.all().stream();
  }

  static Compiler.Result check(String path) throws IOException {
    Path file = Path.of(path);
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), () -> path + ": " + r.diagnostics());
    return r;
  }

  /** What training an example and evaluating it on its test split gave, and the progress log. */
  record Trained(TrainingPlan plan, Trainer.Scores test, String log) {}

  /** Checks {@code path}, loads its data, trains it on {@code backend} and evaluates the test split. */
  static Trained trainAndTest(String path, Backend backend) throws Exception {
    TrainingPlan p = check(path).plans().get(0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, Dataset> splits = p.data().load(backend);
    Trainer trainer = new Trainer(p.trainerConfig(splits, null, null), backend,
        new ProgressBar(new PrintStream(log), false, System::nanoTime));
    trainer.fit();
    return new Trained(p, trainer.evaluate(splits.get("test")), log.toString());
  }

  /** The number of trainable parameters of a plan's model. */
  static long trainableParameters(TrainingPlan p) {
    return p.params().stream().filter(ParamSpec::trainable).mapToLong(s -> Tensor.numel(s.shape().sizes())).sum();
  }

  /** Runs a standalone model's forward graph on one input named {@code x}, on {@code backend}. */
  static Tensor forward(Compiler.Result r, String model, Tensor x, Map<String, Tensor> params, Backend backend) {
    Map<String, Tensor> feeds = new LinkedHashMap<>(params);
    feeds.put("x", x);
    Graph graph = r.models().stream().filter(m -> m.decl().name().equals(model)).findFirst().orElseThrow().traced();
    return backend.compile(graph, forwardSignature(graph)).run(feeds, 0).get("forward");
  }

  /** A standalone forward graph's signature: its inputs are batch inputs, its parameters parameters. */
  private static Signature forwardSignature(Graph graph) {
    List<Signature.InputSlot> inputs = new ArrayList<>();
    for (Node n : graph.nodes()) {
      if (n.op() instanceof Op.Input in) {
        inputs.add(new Signature.InputSlot(in.name(), Signature.InputRole.BATCH, n.type()));
      } else if (n.op() instanceof Op.Parameter p) {
        inputs.add(new Signature.InputSlot(p.name(), p.trainable() ? Signature.InputRole.PARAMETER
            : Signature.InputRole.STATE, n.type()));
      }
    }
    return new Signature(inputs, List.of(new Signature.OutputSlot("forward", Signature.OutputRole.OUTPUT,
        graph.output("forward").type(), null)));
  }
}
