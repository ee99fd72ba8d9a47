package dev.nnet.runtime.data;

import java.util.SplittableRandom;

/**
 * How a {@link Dataset} is cut into mini-batches, epoch after epoch: the batch size, whether rows
 * are shuffled (and with which seed), and whether a last, smaller batch is kept. Immutable; the
 * configuring methods return changed copies.
 *
 * <p><b>Shuffling is reproducible.</b> The row order of epoch {@code e} depends only on the seed, {@code
 * e} and the number of rows, so a run resumed from a checkpoint at epoch {@code e} sees the same
 * batches as one that never stopped. The algorithm, exactly:
 *
 * <ol>
 *   <li>{@code root = new SplittableRandom(seed)}; the generator of epoch {@code e} is the result of
 *       the {@code (e+1)}-th call of {@code root.split()} (SplitMix64, which the JDK specifies).
 *   <li>Start from the identity order {@code 0, 1, ..., n-1}; for {@code i} from {@code n-1} down to
 *       1, draw {@code j = floorMod(rng.nextLong(), i + 1)} and swap positions {@code i} and {@code j}
 *       (Fisher–Yates; the modulo bias is below 2<sup>-32</sup>).
 * </ol>
 *
 * <p>Drawing from {@code nextLong} rather than {@code nextInt(bound)} keeps the order independent of
 * how a JDK implements bounded draws.
 */
public final class Batches {
  private final Dataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;

  private Batches(Dataset data, int batchSize, boolean shuffle, long seed, boolean dropLast) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.data = data;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  /** Batches of {@code batchSize} rows in the data set's order, keeping the last partial batch. */
  public static Batches of(Dataset data, int batchSize) {
    return new Batches(data, batchSize, false, 0, false);
  }

  /** The same batches with rows shuffled anew each epoch, reproducibly from {@code seed}. */
  public Batches shuffled(long seed) {
    return new Batches(data, batchSize, true, seed, dropLast);
  }

  /** The same batches in the data set's order. */
  public Batches inOrder() {
    return new Batches(data, batchSize, false, 0, dropLast);
  }

  /**
   * Whether to drop the last batch when it is smaller than the batch size (useful when a model
   * needs a fixed batch dimension, or BatchNorm would see a tiny batch).
   */
  public Batches dropLast(boolean drop) {
    return new Batches(data, batchSize, shuffle, seed, drop);
  }

  public Dataset data() {
    return data;
  }

  public int batchSize() {
    return batchSize;
  }

  public boolean isShuffled() {
    return shuffle;
  }

  /** Batches per epoch. */
  public int count() {
    int n = data.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** Rows seen per epoch: every row, or every row but the dropped remainder. */
  public int rowsPerEpoch() {
    return dropLast ? count() * batchSize : data.size();
  }

  /** The row order of epoch {@code epoch} (0-based): a permutation, or the identity when not shuffled. */
  public int[] order(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be at least 0, got " + epoch);
    }
    if (!shuffle) {
      int[] order = new int[data.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      return order;
    }
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom rng = root.split();
    for (int e = 0; e < epoch; e++) {
      rng = root.split();
    }
    return permutation(data.size(), rng);
  }

  /**
   * A random order of {@code 0..n-1} drawn from {@code rng} by the Fisher–Yates steps of the class
   * comment, so the same generator state gives the same order on every JDK.
   */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = (int) Math.floorMod(rng.nextLong(), (long) i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** An iterator over the batches of epoch {@code epoch} (0-based). */
  public BatchIterator epoch(int epoch) {
    return new BatchIterator(data, order(epoch), batchSize, count(), epoch);
  }
}
