package dev.nnet.bench;

import dev.nnet.runtime.exec.MatMulKernel;
import java.util.Random;

/**
 * Prints the sgemm throughput of {@link MatMulKernel} in GFLOP/s for the shapes of the MLP training
 * step (forward {@code x @ w^T} and both gradients) and for square sizes. See {@code bench/README.md}.
 *
 * <p>Each case warms up for a second (so C2 has compiled the kernel) and then reports the best of
 * five one-second rounds.
 */
public final class MatMulBench {
  private record Case(String name, boolean transA, boolean transB, int m, int n, int k) {}

  private MatMulBench() {}

  public static void main(String[] args) {
    Case[] cases = {
        new Case("fc1 forward  x[128,784] @ w1^T[784,256]", false, true, 128, 256, 784),
        new Case("fc1 dW       dy^T[256,128] @ x[128,784]", true, false, 256, 784, 128),
        new Case("fc2 forward  h[128,256] @ w2^T[256,128]", false, true, 128, 128, 256),
        new Case("fc2 dX       dy[128,128] @ w2[128,256]", false, false, 128, 256, 128),
        new Case("fc2 dW       dy^T[128,128] @ h[128,256]", true, false, 128, 256, 128),
        new Case("square 256", false, false, 256, 256, 256),
        new Case("square 512", false, false, 512, 512, 512),
        new Case("square 1024", false, false, 1024, 1024, 1024),
    };
    System.out.printf("threads: %d, kernel: %s%n", Runtime.getRuntime().availableProcessors(), MatMulKernel.kernelName());
    for (Case c : cases) {
      if (args.length > 0 && !c.name().contains(args[0])) {
        continue; // an argument picks the cases whose name contains it
      }
      System.out.printf("%-44s %7.1f GFLOP/s%n", c.name(), measure(c));
    }
  }

  private static double measure(Case c) {
    Random r = new Random(1);
    float[] a = new float[c.m() * c.k()];
    float[] b = new float[c.k() * c.n()];
    float[] out = new float[c.m() * c.n()];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextFloat();
    }
    double flops = 2.0 * c.m() * c.n() * c.k();
    round(c, a, b, out, 1_000_000_000L); // warm-up
    double best = 0;
    for (int i = 0; i < 5; i++) {
      best = Math.max(best, flops * round(c, a, b, out, 1_000_000_000L) / 1e9);
    }
    return best;
  }

  /** Runs the product repeatedly for about {@code nanos}; returns products per second. */
  private static double round(Case c, float[] a, float[] b, float[] out, long nanos) {
    long start = System.nanoTime();
    long now;
    int n = 0;
    do {
      MatMulKernel.sgemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), a, 0, b, 0, out, 0);
      n++;
      now = System.nanoTime();
    } while (now - start < nanos);
    return n / ((now - start) / 1e9);
  }
}
