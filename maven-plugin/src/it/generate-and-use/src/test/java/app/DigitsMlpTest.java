package app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.runtime.Tensor;
import digits.DigitsMlp;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calls the class the plugin generated from src/main/nnet/digits/mlp.nnet. */
class DigitsMlpTest {
  private static float[] random(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  private static DigitsMlp model(Random r) {
    Map<String, Tensor> values = new HashMap<>();
    values.put("fc1.weight", Tensor.of(random(r, 16 * 64, 0.125), 16, 64));
    values.put("fc1.b", Tensor.of(random(r, 16, 0.125), 16));
    values.put("fc2.weight", Tensor.of(random(r, 10 * 16, 0.25), 10, 16));
    values.put("fc2.b", Tensor.of(random(r, 10, 0.25), 10));
    for (String p : new String[] {"fc1.weight", "fc1.b", "fc2.weight", "fc2.b"}) {
      Tensor t = values.get(p);
      values.put(p + "@momentum", Tensor.of(new float[t.floats().length], t.shape()));
    }
    return new DigitsMlp(values);
  }

  @Test
  void forwardComputesTheMlp() {
    Random r = new Random(1);
    DigitsMlp m = model(r);
    float[] x = random(r, 64, 1);
    float[] w1 = m.fc1Weight().floats();
    float[] b1 = m.fc1B().floats();
    float[] w2 = m.fc2Weight().floats();
    float[] b2 = m.fc2B().floats();
    float[] h = new float[16];
    for (int j = 0; j < 16; j++) {
      double s = b1[j];
      for (int i = 0; i < 64; i++) {
        s += w1[j * 64 + i] * x[i];
      }
      h[j] = (float) Math.max(0, s);
    }
    float[] y = m.forward(x);
    assertEquals(10, y.length);
    for (int k = 0; k < 10; k++) {
      double s = b2[k];
      for (int j = 0; j < 16; j++) {
        s += w2[k * 16 + j] * h[j];
      }
      assertEquals(s, y[k], 1e-4, "logit " + k);
    }
  }

  @Test
  void trainingStepsLowerTheLoss() {
    Random r = new Random(2);
    DigitsMlp m = model(r);
    int n = 32;
    Tensor x = Tensor.of(random(r, n * 64, 1), n, 64);
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
    }
    Tensor y = Tensor.ofLongs(labels, n);
    double first = m.trainStep(x, y, 0.1f, 0, 0, 0).get("loss");
    double last = first;
    for (int step = 1; step < 30; step++) {
      last = m.trainStep(x, y, 0.1f, 0, step, step).get("loss");
    }
    assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
  }

  @Test
  void aWrongInputShapeNamesTheDim() {
    DigitsMlp m = model(new Random(3));
    RuntimeException e = assertThrows(RuntimeException.class, () -> m.forward(Tensor.of(new float[2 * 63], 2, 63)));
    assertTrue(e.getMessage().contains("64") && e.getMessage().contains("63"), e.getMessage());
  }
}
