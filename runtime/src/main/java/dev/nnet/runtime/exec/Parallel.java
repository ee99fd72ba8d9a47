package dev.nnet.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits loops across the machine's cores. One pool of daemon threads, sized to the number of
 * processors, is shared by all kernels; it holds no other state. Callers decide whether a loop is
 * big enough to be worth splitting: forking costs tens of microseconds.
 */
public final class Parallel {
  private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

  private Parallel() {}

  /** The body of a split loop: handles indices {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  /** How many threads a loop is split into at most. */
  public static int threads() {
    return POOL.getParallelism();
  }

  /**
   * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at
   * least {@code minChunk} indices each; runs it on the calling thread when one chunk is enough.
   */
  public static void forRange(int n, int minChunk, Range body) {
    int chunks = (int) Math.min(threads(), n / Math.max(1L, minChunk));
    if (chunks <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    List<RecursiveAction> tasks = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      tasks.add(new RecursiveAction() {
        @Override
        protected void compute() {
          body.run(from, to);
        }
      });
    }
    if (ForkJoinTask.getPool() == POOL) {
      ForkJoinTask.invokeAll(tasks); // nested: fork within the pool instead of blocking a worker
      return;
    }
    // The caller runs the first chunk itself: one thread fewer to wake, and it would only wait anyway.
    for (int c = 1; c < chunks; c++) {
      POOL.execute(tasks.get(c));
    }
    tasks.get(0).invoke();
    for (int c = 1; c < chunks; c++) {
      tasks.get(c).join();
    }
  }

  /** The chunks {@link #forRange} would use, so callers can give each chunk private scratch space. */
  public static int chunks(int n, int minChunk) {
    return (int) Math.max(1, Math.min(threads(), n / Math.max(1L, minChunk)));
  }
}
