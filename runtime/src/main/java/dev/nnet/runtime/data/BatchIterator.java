package dev.nnet.runtime.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The batches of one epoch, each a {@link Dataset} with the same columns as the source and the rows
 * of that batch gathered into new tensors. Made by {@link Batches#epoch(int)}.
 */
public final class BatchIterator implements Iterator<Dataset> {
  private final Dataset data;
  private final int[] order;
  private final int batchSize;
  private final int count;
  private final int epoch;
  private int next;

  BatchIterator(Dataset data, int[] order, int batchSize, int count, int epoch) {
    this.data = data;
    this.order = order;
    this.batchSize = batchSize;
    this.count = count;
    this.epoch = epoch;
  }

  @Override
  public boolean hasNext() {
    return next < count;
  }

  /** The next batch: rows {@code order[k*batchSize ..]} of the data set, copied. */
  @Override
  public Dataset next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " has only " + count + " batches");
    }
    int from = next * batchSize;
    int to = Math.min(from + batchSize, order.length);
    next++;
    return data.select(order, from, to);
  }

  /** How many batches have been returned so far in this epoch. */
  public int index() {
    return next;
  }

  /** Batches in this epoch. */
  public int count() {
    return count;
  }

  /** The epoch, 0-based. */
  public int epoch() {
    return epoch;
  }
}
