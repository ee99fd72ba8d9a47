package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.runtime.backend.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adversarial training with FGSM: the step differentiates the loss with respect to its input
 * (`grad(clean, image)`), perturbs the batch along the gradient's sign and trains on both. The
 * model still classifies clean test digits well, and the perturbed images are harder than the
 * clean ones (their loss is higher), which they would not be if the gradient pointed anywhere else.
 */
class FgsmExampleTest {
  @ParameterizedTest(name = "on {0}")
  @MethodSource("dev.nnet.examples.ExampleFiles#backends")
  void trainsOnAdversarialExamples(Backend backend) throws Exception {
    ExampleFiles.Trained t = ExampleFiles.trainAndTest("adversarial/fgsm.nnet", backend);
    assertTrue(t.test().metrics().get("accuracy") >= 0.95, "clean test accuracy " + t.test() + "\n" + t.log());
    double adversarial = t.test().metrics().get("cross_entropy");
    double mixed = t.test().loss(); // the mean of the clean and the adversarial loss
    assertTrue(adversarial > mixed, "adversarial loss " + adversarial + " exceeds the clean one (mean " + mixed + ")");
  }
}
