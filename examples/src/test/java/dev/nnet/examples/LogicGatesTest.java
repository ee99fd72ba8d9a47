package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nnet.driver.Compiler;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Example (a): threshold units with fixed weights reproduce the truth tables of AND, OR and XOR. */
class LogicGatesTest {
  private static final Tensor INPUTS = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);

  static Stream<Arguments> gatesOnEachBackend() {
    return ExampleFiles.backends().flatMap(b -> Stream.of(Arguments.of("And", "0 0 0 1", b),
        Arguments.of("Or", "0 1 1 1", b), Arguments.of("Xor", "0 1 1 0", b)));
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("gatesOnEachBackend")
  void gateMatchesItsTruthTable(String model, String truth, Backend backend) throws Exception {
    Compiler.Result r = ExampleFiles.check("logic/gates.nnet");
    String[] bits = truth.split(" ");
    float[] expected = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      expected[i] = Float.parseFloat(bits[i]);
    }
    Tensor out = ExampleFiles.forward(r, model, INPUTS, Map.of(), backend);
    assertArrayEquals(expected, out.floats(), model + " truth table");
  }
}
