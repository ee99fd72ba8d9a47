package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the fuzzers check on one input: the whole front end (parse, check with train blocks,
 * render every diagnostic) returns within a time bound, throws nothing, and reports no internal
 * error (NNET0901). Runs each input on a worker thread (with the default stack, as the CLI and
 * the language server do) so that a hang is reported instead of stopping the run; a thread still
 * stuck is abandoned and a new one used.
 */
public final class FuzzTarget implements AutoCloseable {
  /** What went wrong with an input, in words; null when nothing did. */
  public record Failure(String what, String input) {}

  private final Duration bound;
  private ExecutorService worker = newWorker();
  private long lastNanos;

  public FuzzTarget(Duration bound) {
    this.bound = bound;
  }

  /** Checks {@code text}; null if the front end handled it as it must. */
  public Failure run(String text) {
    long start = System.nanoTime();
    Future<String> outcome = worker.submit(() -> checkAndRender(text));
    try {
      String problem = outcome.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return problem == null ? null : new Failure(problem, text);
    } catch (TimeoutException e) {
      outcome.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return new Failure("took over " + bound.toMillis() + " ms", text);
    } catch (ExecutionException e) {
      return new Failure("threw " + e.getCause(), text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failure("interrupted", text);
    } finally {
      lastNanos = System.nanoTime() - start;
    }
  }

  /** How long the last {@link #run} took, in nanoseconds (for the long run's statistics). */
  public long lastNanos() {
    return lastNanos;
  }

  private static String checkAndRender(String text) {
    Compiler.Result result = Compiler.check(new SourceFile("fuzz.nnet", text));
    DiagnosticRenderer renderer = new DiagnosticRenderer(result.sources()::get, false);
    for (Diagnostic d : result.diagnostics()) {
      renderer.render(d);
      if (d.code() == ErrorCode.INTERNAL) {
        return "internal error: " + d.message();
      }
    }
    return null;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-target");
      t.setDaemon(true); // an abandoned, stuck check must not keep the JVM alive
      return t;
    });
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
