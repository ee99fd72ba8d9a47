package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.check.TrainingPlan;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.ProgressBar;
import dev.nnet.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GAN example: a train block with its own step, two models and two optimizers. Both models'
 * parameters train, each optimizer keeps its own state, and the generator's update goes through
 * the discriminator as the same step has just updated it (the alternation of a PyTorch GAN loop).
 */
class GanExampleTest {
  @ParameterizedTest(name = "on {0}")
  @MethodSource("dev.nnet.examples.ExampleFiles#backends")
  void bothModelsTrainInAlternation(Backend backend) throws Exception {
    TrainingPlan p = ExampleFiles.check("gan/digits_gan.nnet").plans().get(0);
    List<String> replaced = p.stepSignature().outputs(Signature.OutputRole.UPDATE).stream()
        .map(Signature.OutputSlot::replaces).toList();
    assertTrue(replaced.containsAll(List.of("fc1.weight", "fc2.b", "disc.fc1.weight", "disc.fc2.b")),
        "the step updates both models: " + replaced);
    assertTrue(replaced.contains("fc1.weight@m") && replaced.contains("disc.fc1.weight@m"), "each keeps Adam moments");
    assertEquals(2, replaced.stream().filter(n -> n.startsWith("@step")).count(), "one step counter per optimizer");

    // The generator's loss (the step's loss) reads the discriminator's updated weights.
    Graph g = p.step();
    int updatedDisc = g.outputs().get(p.stepSignature().outputs(Signature.OutputRole.UPDATE).stream()
        .filter(s -> s.replaces().equals("disc.fc1.weight")).findFirst().orElseThrow().name());
    assertTrue(ancestors(g, g.outputs().get("loss")).contains(updatedDisc),
        "the generator step runs through the just-updated discriminator");

    Map<String, Dataset> splits = p.data().load(backend);
    Trainer trainer = new Trainer(p.trainerConfig(splits, null, null), backend,
        new ProgressBar(new PrintStream(new ByteArrayOutputStream()), false, System::nanoTime));
    Map<String, Tensor> before = new LinkedHashMap<>();
    trainer.values().forEach((k, v) -> before.put(k, v.copy()));
    List<Trainer.Epoch> history = trainer.fit();
    for (String name : List.of("fc1.weight", "disc.fc1.weight")) {
      assertNotEquals(before.get(name).toString(), trainer.values().get(name).toString(), name + " trained");
    }
    for (Trainer.Epoch e : history) {
      assertTrue(Double.isFinite(e.train().loss()) && e.train().loss() > 0, "generator loss " + e.train().loss());
    }
  }

  private static Set<Integer> ancestors(Graph g, int id) {
    Set<Integer> seen = new HashSet<>();
    java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(id));
    while (!todo.isEmpty()) {
      int n = todo.pop();
      if (seen.add(n)) {
        Node node = g.node(n);
        node.inputs().forEach(todo::push);
      }
    }
    return seen;
  }
}
