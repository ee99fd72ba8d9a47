package dev.nnet.runtime.exec;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Float arrays for kernel results, recycled within one run of a graph. A training step allocates
 * the same intermediate sizes over and over; handing a dead intermediate's array to the next
 * kernel of that size saves the allocation and the zeroing.
 *
 * <p>Not thread-safe: one run, one thread asks for buffers (kernels split their loops after
 * allocating).
 */
public final class BufferPool {
  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private final Set<float[]> owned = Collections.newSetFromMap(new IdentityHashMap<>());

  /** An array of length {@code n} with arbitrary contents; the caller must overwrite all of it. */
  public float[] take(int n) {
    ArrayDeque<float[]> q = free.get(n);
    float[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new float[n];
      owned.add(a);
    }
    return a;
  }

  /** An array of length {@code n} filled with zeros. */
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

  /** Returns an array that nothing reads any more. Arrays the pool does not own are ignored. */
  public void give(float[] a) {
    if (owned.contains(a)) {
      free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
    }
  }
}
