package app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigitsAppTest {
  @Test
  void theShippedModelClassifiesHeldOutDigits() {
    DigitsApp app = new DigitsApp();
    List<DigitsApp.Digit> digits = DigitsApp.heldOut();
    assertEquals(97, digits.size());
    long right = digits.stream().filter(d -> app.classify(d.pixels()) == d.label()).count();
    // The checkpoint scored 0.91 on its validation rows; the held-out rows are of the same kind.
    assertTrue(right >= 0.85 * digits.size(), right + " of " + digits.size() + " right");
  }

  @Test
  void mainPrintsEachPredictionAndTheAccuracy() {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      DigitsApp.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String text = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains("digit   0: predicted"), text);
    assertTrue(text.contains("on 97 held-out digits"), text);
  }
}
