package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nnet.check.Compiler;
import dev.nnet.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Example (a): threshold units with fixed weights reproduce the truth tables of AND, OR and XOR. */
class LogicGatesTest {
  private static final Tensor INPUTS = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);

  @ParameterizedTest
  @CsvSource({"And, 0 0 0 1", "Or, 0 1 1 1", "Xor, 0 1 1 0"})
  void gateMatchesItsTruthTable(String model, String truth) throws Exception {
    Compiler.Result r = ExampleFiles.check("logic/gates.nnet");
    String[] bits = truth.split(" ");
    float[] expected = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      expected[i] = Float.parseFloat(bits[i]);
    }
    Tensor out = ExampleFiles.forward(r, model, INPUTS, Map.of());
    assertArrayEquals(expected, out.floats(), model + " truth table");
  }
}
