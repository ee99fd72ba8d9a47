package dev.nnet.runtime.exec;

import dev.nnet.ir.CounterRandom;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/**
 * The kernels of the random ops: each element is {@link CounterRandom}'s pure function of the
 * run's key, the node's salt and the element's index, so a kernel may split its elements across
 * threads in any way and still give the same tensor as on one thread.
 */
public final class RandomKernels {
  /**
   * Elements per chunk when a draw is split across threads: a Philox block costs about as much as
   * a dozen elementwise operations, so chunks are smaller than the elementwise kernels'.
   */
  static final int GRAIN = 1 << 12;

  private RandomKernels() {}

  /** Uniform f32 samples in [0, 1): element {@code i} (row-major) is {@link CounterRandom#uniform}{@code (key, salt, i)}. */
  public static Tensor uniform(int[] shape, long key, long salt, Allocator pool) {
    float[] d = pool.take(Math.toIntExact(Tensor.numel(shape)));
    Parallel.forRange(d.length, GRAIN, (from, to) -> CounterRandom.fillUniform(key, salt, d, from, to));
    return Tensor.of(d, shape);
  }

  /** Standard normal f32 samples: element {@code i} is {@link CounterRandom#normal}{@code (key, salt, i)}. */
  public static Tensor normal(int[] shape, long key, long salt, Allocator pool) {
    float[] d = pool.take(Math.toIntExact(Tensor.numel(shape)));
    Parallel.forRange(d.length, GRAIN, (from, to) -> CounterRandom.fillNormal(key, salt, d, from, to));
    return Tensor.of(d, shape);
  }

  /**
   * A random permutation of {@code 0 .. n-1} (i64[n]): the indices sorted by their
   * {@link CounterRandom#permutationKey}s, which end in the index itself, so the sorted keys' low
   * bits are the permutation.
   */
  public static Tensor permutation(int n, long key, long salt) {
    long[] keys = new long[n];
    Parallel.forRange(n, GRAIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        keys[i] = CounterRandom.permutationKey(key, salt, i, n);
      }
    });
    Arrays.sort(keys);
    long mask = (1L << CounterRandom.indexBits(n)) - 1; // at most 31 bits for an int n
    for (int i = 0; i < n; i++) {
      keys[i] &= mask;
    }
    return Tensor.ofLongs(keys, n);
  }

  /**
   * One class per row of {@code logits [*B, C]} (i64 {@code [*B]}) by Gumbel-max: the first
   * {@code c} with the largest {@code logits[b, c] + gumbel(key, salt, b * C + c)}, in double
   * (see {@link dev.nnet.ir.Op.Categorical}).
   */
  public static Tensor categorical(Tensor logits, long key, long salt) {
    int[] shape = logits.shape();
    int classes = shape[shape.length - 1];
    int[] rowShape = Arrays.copyOf(shape, shape.length - 1);
    int rows = Math.toIntExact(Tensor.numel(rowShape));
    if (classes == 0 && rows > 0) {
      throw new ExecutionError("`categorical` needs at least one class, got logits " + Arrays.toString(shape));
    }
    float[] x = logits.floats();
    long[] out = new long[rows];
    Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, classes)), (from, to) -> {
      for (int b = from; b < to; b++) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        long first = (long) b * classes;
        for (int c = 0; c < classes; c++) {
          double score = x[(int) first + c] + CounterRandom.gumbel(key, salt, first + c);
          if (score > bestScore) {
            bestScore = score;
            best = c;
          }
        }
        out[b] = best;
      }
    });
    return Tensor.ofLongs(out, rowShape);
  }
}
