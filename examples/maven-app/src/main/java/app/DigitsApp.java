package app;

import digits.DigitsMlp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies handwritten digits with the class the nnet Maven plugin generated from
 * {@code src/main/nnet/digits/mlp.nnet}, loaded from the checkpoint shipped as a resource.
 */
public final class DigitsApp {
  /** A digit to classify: its 64 pixels (0..16) and the label the data set gives it. */
  public record Digit(float[] pixels, int label) {}

  private final DigitsMlp model;

  /** The application with the shipped, trained model. */
  public DigitsApp() {
    try (InputStream in = resource("digits/checkpoint.nnetckpt")) {
      this.model = DigitsMlp.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The predicted class of one image: the arg-max of the model's 10 logits. */
  public int classify(float[] pixels) {
    float[] x = new float[64];
    for (int i = 0; i < 64; i++) {
      x[i] = pixels[i] / 16f; // the same scaling as the data declaration in mlp.nnet
    }
    float[] logits = model.forward(x);
    int best = 0;
    for (int k = 1; k < logits.length; k++) {
      if (logits[k] > logits[best]) {
        best = k;
      }
    }
    return best;
  }

  /** The digits the model never saw in training (rows 1700.. of the UCI file). */
  public static List<Digit> heldOut() {
    List<Digit> digits = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(resource("digits/held-out.csv"),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] cells = line.split(",");
        float[] pixels = new float[64];
        for (int i = 0; i < 64; i++) {
          pixels[i] = Float.parseFloat(cells[i]);
        }
        digits.add(new Digit(pixels, Integer.parseInt(cells[64].trim())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return digits;
  }

  private static InputStream resource(String name) {
    InputStream in = DigitsApp.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("missing resource " + name);
    }
    return in;
  }

  /** Classifies the held-out digits and prints each prediction and the accuracy. */
  public static void main(String[] args) {
    DigitsApp app = new DigitsApp();
    List<Digit> digits = heldOut();
    int right = 0;
    for (int i = 0; i < digits.size(); i++) {
      Digit d = digits.get(i);
      int predicted = app.classify(d.pixels());
      right += predicted == d.label() ? 1 : 0;
      System.out.printf("digit %3d: predicted %d, labelled %d%s%n", i, predicted, d.label(),
          predicted == d.label() ? "" : "  <- wrong");
    }
    System.out.printf("accuracy %.3f on %d held-out digits%n", (double) right / digits.size(), digits.size());
  }
}
