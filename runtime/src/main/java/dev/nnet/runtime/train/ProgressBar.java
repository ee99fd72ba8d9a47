package dev.nnet.runtime.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows training progress: epoch, steps, throughput, elapsed time, ETA and the running mean loss.
 *
 * <p>On a terminal it redraws a single line in place with {@code \r}, at most ten times a second:
 *
 * <pre>
 * epoch 3/10 [=========&gt;          ] 120/422  5432 samples/s  elapsed 0:12  ETA 0:25  loss 0.3412
 * </pre>
 *
 * <p>Elsewhere (a log file, CI) it prints plain lines without control characters: one when each
 * epoch ends, plus one every {@link #reportEvery N%} of an epoch if asked.
 *
 * <p>Elapsed time, ETA, throughput and the loss all refer to the current epoch; the loss is the
 * mean over the samples seen so far in it. The clock is injected so tests can drive it. Not
 * thread-safe: call it from the training loop's thread.
 */
public final class ProgressBar {
  private static final long REDRAW_NANOS = 100_000_000L; // 10 redraws a second at most
  private static final int BAR_WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private int reportPercent;

  private int epoch;
  private int epochs;
  private int steps;
  private int step;
  private long samples;
  private double lossSum; // sum of loss * samples, for the sample-weighted mean
  private long startNanos;
  private long lastDrawNanos;
  private boolean drawnOnce;
  private int nextReportStep;
  private int lastLineLength;

  /**
   * A progress display.
   *
   * @param out where to write
   * @param terminal whether {@code out} is an interactive terminal (redraw in place) or not (plain lines)
   * @param nanoTime a monotonic clock in nanoseconds, normally {@code System::nanoTime}
   */
  public ProgressBar(PrintStream out, boolean terminal, LongSupplier nanoTime) {
    this.out = out;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
  }

  /** A display on standard output that redraws in place when it is a terminal. */
  public static ProgressBar toStdout() {
    return new ProgressBar(System.out, System.console() != null, System::nanoTime);
  }

  /**
   * When not on a terminal, also prints a line every {@code percent}% of an epoch (0, the default,
   * prints only when an epoch ends). Ignored on a terminal, which shows every step anyway.
   */
  public ProgressBar reportEvery(int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be between 0 and 100, got " + percent);
    }
    this.reportPercent = percent;
    return this;
  }

  /**
   * Starts an epoch.
   *
   * @param epoch the epoch number, counted from 1
   * @param epochs how many epochs there are
   * @param steps how many steps (batches) this epoch has
   */
  public void startEpoch(int epoch, int epochs, int steps) {
    this.epoch = epoch;
    this.epochs = epochs;
    this.steps = steps;
    this.step = 0;
    this.samples = 0;
    this.lossSum = 0;
    this.startNanos = nanoTime.getAsLong();
    this.drawnOnce = false;
    this.lastLineLength = 0;
    this.nextReportStep = nextReport(0);
  }

  /** Records one finished step over {@code batchSamples} samples whose mean loss was {@code loss}. */
  public void step(int batchSamples, double loss) {
    step++;
    samples += batchSamples;
    lossSum += loss * batchSamples;
    long now = nanoTime.getAsLong();
    if (terminal) {
      if (!drawnOnce || now - lastDrawNanos >= REDRAW_NANOS || step == steps) {
        redraw(now, "");
      }
    } else if (reportPercent > 0 && step >= nextReportStep && step < steps) {
      out.println(plainLine(now, true, ""));
      nextReportStep = nextReport(step);
    }
  }

  /**
   * Ends the epoch: on a terminal, draws the final state and moves to a new line; elsewhere prints
   * the epoch's line. {@code summary} (for example validation metrics) is appended; may be empty.
   */
  public void endEpoch(String summary) {
    long now = nanoTime.getAsLong();
    if (terminal) {
      redraw(now, summary);
      out.print('\n');
    } else {
      out.println(plainLine(now, false, summary));
    }
    out.flush();
  }

  /** The running mean loss of the current epoch (NaN before the first step). */
  public double meanLoss() {
    return samples == 0 ? Double.NaN : lossSum / samples;
  }

  /** The first step at or after which the next periodic line is due, after {@code done} steps. */
  private int nextReport(int done) {
    if (reportPercent == 0 || steps == 0) {
      return Integer.MAX_VALUE;
    }
    int reached = (int) ((long) done * 100 / steps / reportPercent); // whole periods completed
    long percent = (long) (reached + 1) * reportPercent;
    return (int) Math.max(done + 1, (percent * steps + 99) / 100);
  }

  private void redraw(long now, String summary) {
    StringBuilder line = new StringBuilder();
    line.append("epoch ").append(epoch).append('/').append(epochs).append(' ').append(bar()).append(' ')
        .append(step).append('/').append(steps)
        .append("  ").append(rate(now))
        .append("  elapsed ").append(duration(now - startNanos));
    if (step < steps) {
      line.append("  ETA ").append(eta(now));
    }
    line.append("  loss ").append(loss());
    if (!summary.isEmpty()) {
      line.append("  ").append(summary);
    }
    // Pad with spaces so a shorter line fully covers the previous one.
    int length = line.length();
    for (int i = length; i < lastLineLength; i++) {
      line.append(' ');
    }
    lastLineLength = length;
    out.print('\r');
    out.print(line);
    out.flush();
    lastDrawNanos = now;
    drawnOnce = true;
  }

  private String plainLine(long now, boolean partial, String summary) {
    StringBuilder line = new StringBuilder();
    line.append("epoch ").append(epoch).append('/').append(epochs)
        .append("  step ").append(step).append('/').append(steps)
        .append("  ").append(rate(now))
        .append("  elapsed ").append(duration(now - startNanos));
    if (partial) {
      line.append("  ETA ").append(eta(now));
    }
    line.append("  loss ").append(loss());
    if (!summary.isEmpty()) {
      line.append("  ").append(summary);
    }
    return line.toString();
  }

  private String bar() {
    int filled = steps == 0 ? BAR_WIDTH : (int) ((long) step * BAR_WIDTH / steps);
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < BAR_WIDTH; i++) {
      b.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    return b.append(']').toString();
  }

  private String rate(long now) {
    long elapsed = now - startNanos;
    if (elapsed <= 0 || samples == 0) {
      return "- samples/s";
    }
    return Math.round(samples * 1e9 / elapsed) + " samples/s";
  }

  private String eta(long now) {
    if (step == 0) {
      return "-";
    }
    long elapsed = now - startNanos;
    return duration(elapsed / step * (steps - step));
  }

  private String loss() {
    double mean = meanLoss();
    return Double.isNaN(mean) ? "nan" : String.format(Locale.ROOT, "%.4f", mean);
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String duration(long nanos) {
    long seconds = Math.max(0, nanos) / 1_000_000_000L;
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
