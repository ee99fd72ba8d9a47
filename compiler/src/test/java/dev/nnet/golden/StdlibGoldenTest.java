package dev.nnet.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nnet.driver.Compiler;
import dev.nnet.check.LayerInstance;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.Graph;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The standard library's activations and losses (relu, leaky_relu, sigmoid, tanh, softmax,
 * log_softmax, cross_entropy, mse, binary_cross_entropy), including extreme logits, against
 * PyTorch ({@code golden/stdlib.txt}). Each case goes through the real checker: a one-line model
 * {@code forward(<params>) = <expr>} calls the library function, and the graph the checker traced
 * for it is run and differentiated.
 */
class StdlibGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("stdlib.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(GoldenFile.Case c) {
    checkThroughChecker(c);
  }

  /** Compiles the case's one-line model with the real checker and compares its traced graph with PyTorch. */
  static Graph checkThroughChecker(GoldenFile.Case c) {
    return checkThroughChecker(c, c.attr("params"));
  }

  /** As {@link #checkThroughChecker(GoldenFile.Case)} with the forward's parameter list given. */
  static Graph checkThroughChecker(GoldenFile.Case c, String params) {
    String layer = c.attrs().containsKey("layer") ? "  m = " + c.attr("layer") + "\n" : "";
    String source = "model Golden() {\n" + layer + "  forward(" + params + ") = " + c.attr("expr") + "\n}\n";
    Compiler.Result r = Compiler.check(new SourceFile("golden.nnet", source), false);
    assertFalse(r.hasErrors(), () -> c.name() + ": the snippet does not check:\n" + source + r.diagnostics());
    assertEquals(1, r.models().size(), c.name() + ": models traced");
    LayerInstance model = r.models().get(0);
    assertNotNull(model.traced(), c.name() + ": the checker kept no traced graph");
    GoldenCheck.Copied g = GoldenCheck.copy(model.traced(), "forward");
    return GoldenCheck.check(c, g.builder(), g.inputs(), g.output());
  }
}
