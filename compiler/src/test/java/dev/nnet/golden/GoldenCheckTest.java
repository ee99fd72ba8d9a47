package dev.nnet.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The golden harness itself: it reads the format, and its comparisons can fail. */
class GoldenCheckTest {
  private static final String CASE = """
      # a comment
      case add
      attr op add
      tensor in a f32 2 1 2
      tensor in b f32 2 10 20
      tensor in w f32 2 0.5 -1
      tensor out y f32 2 11 22
      tensor grad a f32 2 0.5 -1
      tensor grad b f32 2 0.5 -1
      end
      """;

  @Test
  void parsesCases() {
    List<GoldenFile.Case> cases = GoldenFile.parse("t", CASE);
    assertEquals(1, cases.size());
    GoldenFile.Case c = cases.get(0);
    assertEquals("add", c.attr("op"));
    assertEquals(3, c.rows("in").size());
    assertEquals(22.0, c.row("out", "y").values()[1]);
  }

  @Test
  void correctGoldenPasses() {
    run(CASE);
  }

  @Test
  void aWrongForwardValueFails() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> run(CASE.replace("out y f32 2 11 22", "out y f32 2 11 22.001")));
    assertTrue(e.getMessage().contains("add / y on reference [1]: expected 22.001, actual 22.0"), e.getMessage());
  }

  @Test
  void aWrongGradientFails() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> run(CASE.replace("grad b f32 2 0.5 -1", "grad b f32 2 0.5 -1.0001")));
    assertTrue(e.getMessage().contains("add / grad b on reference [1]"), e.getMessage());
  }

  @Test
  void aMissingGradientFails() {
    assertThrows(AssertionFailedError.class, () -> run(CASE.replace("tensor grad b f32 2 0.5 -1\n", "")));
  }

  @Test
  void toleranceIsTight() {
    assertTrue(GoldenCheck.close(1.0, 1.0 + 1e-5));
    assertFalse(GoldenCheck.close(1.0, 1.0 + 3e-5));
    assertFalse(GoldenCheck.close(0.0, 2e-5));
    assertFalse(GoldenCheck.close(0.0, Double.NaN));
    assertFalse(GoldenCheck.close(Double.POSITIVE_INFINITY, 1e30));
    assertTrue(GoldenCheck.close(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY));
  }

  private static void run(String text) {
    GoldenFile.Case c = GoldenFile.parse("t", text).get(0);
    GraphBuilder b = new GraphBuilder();
    Map<String, Value> in = GoldenCheck.inputs(c, b);
    GoldenCheck.check(c, b, in, GoldenCheck.op(b, new Op.Binary(BinaryFn.ADD), in.get("a"), in.get("b")));
  }
}
