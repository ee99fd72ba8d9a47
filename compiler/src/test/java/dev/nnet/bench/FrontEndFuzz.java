package dev.nnet.bench;

import dev.nnet.check.FuzzTarget;
import dev.nnet.front.PathologicalPrograms;
import dev.nnet.front.ProgramMutator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The long fuzzing run of the front end (the CI-sized one is {@code FuzzRobustnessTest}): input
 * {@code i} is {@link ProgramMutator#mutate} with {@code new Random(seed + i)}, or every 10th a
 * pathological shape alone, so any failure is reproduced from its seed and index. Each input must
 * pass {@link FuzzTarget} with a 1 s bound. Failing inputs are written to {@code OUT/seed-index.nnet}.
 * Run by {@code bench/front_fuzz.sh COUNT [SEED [THREADS [OUT]]]}; prints progress, then the counts
 * and the time distribution.
 */
public final class FrontEndFuzz {
  private FrontEndFuzz() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261201L;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path out = Path.of(args.length > 3 ? args[3] : "target/fuzz-failures");
    ProgramMutator mutator = ProgramMutator.ofRepository(Path.of("."));
    // The first checks load the standard library and run cold (the JIT has not compiled the
    // checker, the differentiator, the passes): keep that out of the first inputs' time.
    for (int round = 0; round < 3; round++) {
      for (String program : mutator.corpus()) {
        dev.nnet.driver.Compiler.check(new dev.nnet.diag.SourceFile("warm.nnet", program));
      }
    }
    long[] micros = new long[count];
    AtomicLong failures = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long t0 = System.nanoTime();
    IntStream.range(0, threads).parallel().forEach(w -> {
      try (FuzzTarget target = new FuzzTarget(Duration.ofSeconds(1))) {
        for (int i = w; i < count; i += threads) {
          Random r = new Random(seed + i);
          String text = i % 10 == 9
              ? "model M() {\n  forward(x: [N, 4]) = " + PathologicalPrograms.snippet(r.nextInt(9), 1 + r.nextInt(5000)) + "\n}\n"
              : mutator.mutate(r);
          FuzzTarget.Failure f = target.run(text);
          micros[i] = target.lastNanos() / 1000;
          if (f != null) {
            failures.incrementAndGet();
            System.out.println("input " + seed + "-" + i + ": " + f.what());
            write(out.resolve(seed + "-" + i + ".nnet"), text);
          }
          long n = done.incrementAndGet();
          if (n % 10_000 == 0) {
            System.out.printf("%d inputs, %d failures, %.0f s%n", n, failures.get(), (System.nanoTime() - t0) / 1e9);
          }
        }
      }
    });
    Arrays.sort(micros);
    System.out.printf("%d inputs (seed %d, %d threads) in %.0f s: %d failures; per input median %.1f ms, "
            + "p99 %.1f ms, p99.99 %.1f ms, max %.1f ms%n", count, seed, threads, (System.nanoTime() - t0) / 1e9,
        failures.get(), micros[count / 2] / 1e3, micros[(int) (count * 0.99)] / 1e3,
        micros[(int) (count * 0.9999)] / 1e3, micros[count - 1] / 1e3);
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (java.io.IOException e) {
      System.out.println("  (could not save it: " + e.getMessage() + ")");
    }
  }
}
