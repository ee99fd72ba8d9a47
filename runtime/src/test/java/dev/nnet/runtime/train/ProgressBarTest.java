package dev.nnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now = 1_000_000_000L; // an arbitrary origin: only differences matter

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private ProgressBar bar(boolean terminal) {
    return new ProgressBar(out, terminal, () -> now);
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }

  @Test
  void plainOutputIsOneLinePerEpochWithoutControlCharacters() {
    ProgressBar p = bar(false);
    for (int epoch = 1; epoch <= 2; epoch++) {
      p.startEpoch(epoch, 2, 4);
      for (int s = 1; s <= 4; s++) {
        now += 500_000_000L;
        p.step(32, s); // losses 1, 2, 3, 4
      }
      p.endEpoch(epoch == 2 ? "val_loss 0.1000" : "");
    }
    assertEquals(List.of(
        "epoch 1/2  step 4/4  64 samples/s  elapsed 0:02  loss 2.5000",
        "epoch 2/2  step 4/4  64 samples/s  elapsed 0:02  loss 2.5000  val_loss 0.1000"),
        output().lines().toList());
    assertTrue(output().chars().noneMatch(c -> c < 0x20 && c != '\n'), "only newlines may be control characters");
  }

  @Test
  void plainOutputCanReportEveryFewPercent() {
    ProgressBar p = bar(false).reportEvery(25);
    p.startEpoch(1, 1, 10);
    for (int s = 1; s <= 10; s++) {
      now += 1_000_000_000L;
      p.step(10, 1.0);
    }
    p.endEpoch("");
    List<String> lines = output().lines().toList();
    assertEquals(4, lines.size(), output());
    assertEquals("epoch 1/1  step 3/10  10 samples/s  elapsed 0:03  ETA 0:07  loss 1.0000", lines.get(0));
    assertTrue(lines.get(1).startsWith("epoch 1/1  step 5/10  "));
    assertTrue(lines.get(2).startsWith("epoch 1/1  step 8/10  "));
    assertTrue(lines.get(3).startsWith("epoch 1/1  step 10/10  "));
  }

  @Test
  void terminalRedrawsOneLineAtMostTenTimesASecond() {
    ProgressBar p = bar(true);
    p.startEpoch(3, 10, 10);
    for (int s = 1; s <= 10; s++) {
      now += 30_000_000L; // 30 ms a step: drawn at steps 1, 5, 9, and 10 (the last)
      p.step(100, 0.5);
      if (s < 10) {
        assertFalse(output().contains("\n"));
      }
    }
    assertEquals(4, count(output(), '\r'), output());
    p.endEpoch("acc 0.91");
    String out = output();
    assertEquals(5, count(out, '\r'));
    assertTrue(out.endsWith("\n"));
    String last = out.substring(out.lastIndexOf('\r') + 1, out.length() - 1);
    assertEquals("epoch 3/10 [==============================] 10/10  3333 samples/s  elapsed 0:00  loss 0.5000  acc 0.91", last);
  }

  @Test
  void terminalLineShowsBarEtaAndPadsOverALongerPreviousLine() {
    ProgressBar p = bar(true);
    p.startEpoch(1, 2, 4);
    now += 2_000_000_000L;
    p.step(1000, 12.3456);
    String first = output().substring(1);
    assertEquals("epoch 1/2 [=======>                      ] 1/4  500 samples/s  elapsed 0:02  ETA 0:06  loss 12.3456", first);
    now += 2_000_000_000L;
    p.step(1000, 0.0);
    String second = output().substring(output().lastIndexOf('\r') + 1);
    assertTrue(second.startsWith("epoch 1/2 [===============>              ] 2/4  500 samples/s  elapsed 0:04  ETA 0:04  loss 6.1728"));
    now += 2_000_000_000L;
    p.step(1000, 0.0);
    String third = output().substring(output().lastIndexOf('\r') + 1);
    now += 2_000_000_000L;
    p.step(1000, 0.0);
    String last = output().substring(output().lastIndexOf('\r') + 1);
    // The last line has no ETA, so it is shorter: spaces must cover the rest of the previous one.
    assertEquals(third.length(), last.length());
    assertEquals("epoch 1/2 [==============================] 4/4  500 samples/s  elapsed 0:08  loss 3.0864", last.stripTrailing());
    assertTrue(last.endsWith("          "));
  }

  @Test
  void lossIsTheSampleWeightedRunningMean() {
    ProgressBar p = bar(false);
    p.startEpoch(1, 1, 2);
    assertTrue(Double.isNaN(p.meanLoss()));
    p.step(3, 1.0);
    p.step(1, 5.0); // a small last batch counts for its size only
    assertEquals(2.0, p.meanLoss());
  }

  @Test
  void durations() {
    assertEquals("0:00", ProgressBar.duration(0));
    assertEquals("1:05", ProgressBar.duration(65_000_000_000L));
    assertEquals("1:02:05", ProgressBar.duration(3725_000_000_000L));
  }
}
