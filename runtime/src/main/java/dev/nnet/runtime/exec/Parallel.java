package dev.nnet.runtime.exec;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits loops across the machine's cores: the calling thread runs the first chunk and one worker
 * thread per other core runs each of the rest. It holds no state beyond its threads.
 *
 * <p>Why not a {@code ForkJoinPool}: a training step is a few dozen kernels of 0.05 to 1 ms, back
 * to back. Pool workers park between them, and waking a parked thread costs tens of microseconds
 * on a virtual machine, so two cores were slower than one on the small products. These workers spin
 * for {@value #SPIN_NANOS} ns after each chunk before parking (as OpenMP runtimes do), so within a
 * step they are always awake; between runs they sleep.
 *
 * <p>One split loop runs at a time: a loop split while another is running (from a kernel inside a
 * chunk, or from another thread) runs on its caller alone. Callers decide whether a loop is big
 * enough to be worth splitting.
 */
public final class Parallel {
  /** How long a worker keeps polling for the next chunk before it parks. */
  private static final long SPIN_NANOS = 200_000;
  private static final Worker[] WORKERS = startWorkers(Runtime.getRuntime().availableProcessors() - 1);
  private static final AtomicBoolean BUSY = new AtomicBoolean();

  private Parallel() {}

  /** The body of a split loop: handles indices {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  /** How many threads a loop is split into at most. */
  public static int threads() {
    return WORKERS.length + 1;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at
   * least {@code minChunk} indices each; runs it on the calling thread when one chunk is enough.
   * An exception thrown by any chunk is rethrown here after all chunks have finished.
   */
  public static void forRange(int n, int minChunk, Range body) {
    int chunks = chunks(n, minChunk);
    if (chunks <= 1 || !BUSY.compareAndSet(false, true)) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    try {
      for (int c = 1; c < chunks; c++) {
        WORKERS[c - 1].submit(body, (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
      }
      Throwable failure = null;
      try {
        body.run(0, (int) ((long) n / chunks));
      } catch (Throwable t) {
        failure = t;
      }
      for (int c = 1; c < chunks; c++) {
        Throwable t = WORKERS[c - 1].awaitDone();
        failure = failure != null ? failure : t;
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      } else if (failure instanceof Error e) {
        throw e;
      } else if (failure != null) {
        throw new IllegalStateException(failure);
      }
    } finally {
      BUSY.set(false);
    }
  }

  /** The chunks {@link #forRange} would use, so callers can give each chunk private scratch space. */
  public static int chunks(int n, int minChunk) {
    return (int) Math.max(1, Math.min(threads(), n / Math.max(1L, minChunk)));
  }

  private static Worker[] startWorkers(int count) {
    Worker[] workers = new Worker[Math.max(0, count)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker();
      Thread t = new Thread(workers[i], "nnet-parallel-" + (i + 1));
      t.setDaemon(true);
      workers[i].thread = t;
      t.start();
    }
    return workers;
  }

  /**
   * One worker thread and its mailbox: the caller writes a chunk and bumps {@code submitted}; the
   * worker runs it and sets {@code finished} to the same number. Volatile writes publish the chunk.
   */
  private static final class Worker implements Runnable {
    private Thread thread;
    private Range body;
    private int from;
    private int to;
    private Throwable failure;
    private volatile long submitted;
    private volatile long finished;
    private volatile boolean parked;

    void submit(Range body, int from, int to) {
      this.body = body;
      this.from = from;
      this.to = to;
      this.failure = null;
      submitted = submitted + 1; // only the caller holding BUSY writes it
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    /** Waits for the chunk to finish; returns what it threw, or null. */
    Throwable awaitDone() {
      long want = submitted;
      long spinStart = System.nanoTime();
      while (finished != want) {
        if (System.nanoTime() - spinStart < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(20_000); // a long chunk: stop burning the core it may need
        }
      }
      return failure;
    }

    @Override
    public void run() {
      long done = 0;
      while (true) {
        long spinStart = System.nanoTime();
        while (submitted == done) {
          if (System.nanoTime() - spinStart < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            parked = true;
            if (submitted == done) { // re-check after announcing: a submit in between unparks us
              LockSupport.park(this);
            }
            parked = false;
            spinStart = System.nanoTime();
          }
        }
        done = submitted;
        try {
          body.run(from, to);
        } catch (Throwable t) {
          failure = t;
        }
        finished = done;
      }
    }
  }
}
