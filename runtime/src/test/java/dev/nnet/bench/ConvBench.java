package dev.nnet.bench;

import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.exec.BufferPool;
import dev.nnet.runtime.exec.ConvKernels;
import dev.nnet.runtime.exec.MatMulKernel;
import java.util.Random;
import java.util.function.Function;

/**
 * Prints the throughput of {@link ConvKernels} in GFLOP/s (2 x multiply-adds of the im2col
 * product, padding taps included) for the two convolutions of LeNet-5 on 28x28 images, batch 128:
 * forward, input gradient and filter gradient. See {@code bench/README.md}.
 *
 * <p>Each case warms up for a second, then reports the best of five one-second rounds. Results go
 * back to the pool after each call, as the executor does, so the kernels run without allocating.
 */
public final class ConvBench {
  private record Case(String name, int n, int c, int hw, int o, int k, int pad) {}

  private ConvBench() {}

  public static void main(String[] args) {
    Case[] cases = {
        new Case("conv1 6@5x5 pad 2 on 1x28x28", 128, 1, 28, 6, 5, 2),
        new Case("conv2 16@5x5 on 6x14x14", 128, 6, 14, 16, 5, 0),
    };
    System.out.printf("threads: %d, sgemm kernel: %s%n", Runtime.getRuntime().availableProcessors(),
        MatMulKernel.kernelName());
    for (Case c : cases) {
      if (args.length > 0 && !c.name().contains(args[0])) {
        continue; // an argument picks the cases whose name contains it
      }
      measure(c);
    }
  }

  private static void measure(Case c) {
    Random r = new Random(1);
    int[] s = {1, 1};
    int[] p = {c.pad(), c.pad()};
    int[] k = {c.k(), c.k()};
    int[] in = {c.hw(), c.hw()};
    int[] out = ConvKernels.outputSize(in, k, s, p, p, s);
    Tensor x = random(r, c.n(), c.c(), c.hw(), c.hw());
    Tensor w = random(r, c.o(), c.c(), c.k(), c.k());
    Tensor dy = random(r, c.n(), c.o(), out[0], out[1]);
    BufferPool pool = new BufferPool();
    double flops = 2.0 * c.n() * c.o() * out[0] * out[1] * c.c() * c.k() * c.k();
    report(c.name() + " forward", flops, pool, q -> ConvKernels.conv(x, w, s, p, p, s, 1, q));
    report(c.name() + " dX", flops, pool, q -> ConvKernels.convTranspose(dy, w, in, s, p, p, s, 1, q));
    report(c.name() + " dW", flops, pool, q -> ConvKernels.convFilterGrad(x, dy, k, s, p, p, s, 1, q));
  }

  private static void report(String name, double flops, BufferPool pool, Function<BufferPool, Tensor> kernel) {
    round(pool, kernel, 1_000_000_000L); // warm-up
    double best = 0;
    for (int i = 0; i < 5; i++) {
      best = Math.max(best, round(pool, kernel, 1_000_000_000L));
    }
    System.out.printf("%-44s %7.1f GFLOP/s %8.3f ms%n", name, flops * best / 1e9, 1e3 / best);
  }

  /** Runs the kernel repeatedly for about {@code nanos}; returns calls per second. */
  private static double round(BufferPool pool, Function<BufferPool, Tensor> kernel, long nanos) {
    long start = System.nanoTime();
    long now;
    int n = 0;
    do {
      pool.give(kernel.apply(pool).floats());
      n++;
      now = System.nanoTime();
    } while (now - start < nanos);
    return n / ((now - start) / 1e9);
  }

  private static Tensor random(Random r, int... shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return Tensor.of(v, shape);
  }
}
