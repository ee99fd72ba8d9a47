package dev.nnet.runtime.exec;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Float arrays for kernel results, recycled within a run of a graph and across runs. A training
 * step allocates the same intermediate sizes over and over; handing a dead intermediate's array to
 * the next kernel of that size saves the allocation and the zeroing, and keeps the step's working
 * set in the caches instead of streaming through fresh memory.
 *
 * <p>Not thread-safe: one run at a time borrows a pool (kernels split their loops after
 * allocating).
 */
public final class BufferPool implements Allocator {
  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private final Set<float[]> owned = Collections.newSetFromMap(new IdentityHashMap<>());

  @Override
  public float[] take(int n) {
    ArrayDeque<float[]> q = free.get(n);
    float[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new float[n];
      owned.add(a);
    }
    return a;
  }

  @Override
  public float[] takeZeroed(int n) {
    ArrayDeque<float[]> q = free.get(n);
    float[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new float[n];
      owned.add(a);
    } else {
      Arrays.fill(a, 0f);
    }
    return a;
  }

  /** True if {@code a} came from this pool (and so may be given back once nothing reads it). */
  public boolean owns(float[] a) {
    return owned.contains(a);
  }

  /** Gives up {@code a}: it is never handed out again (a run's outputs belong to its caller). */
  public void disown(float[] a) {
    owned.remove(a);
  }

  /** Takes ownership of an array nothing reads any more, to hand it out again. */
  public void adopt(float[] a) {
    if (owned.add(a)) {
      free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
    }
  }

  @Override
  public void give(float[] a) {
    if (owned.contains(a)) {
      free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
    }
  }
}
