package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The allocator generated code passes to a kernel whose result has a slot in the graph's static
 * memory plan: the first request of the slot's length gets the slot's array, any other request
 * (scratch, or a result the plan does not place) goes to the run's {@link BufferPool}.
 *
 * <p>{@link #placed} then makes sure the result lives in the slot: a kernel that returned another
 * array (its operand's, for a cast that changes nothing) has it copied in. Not thread-safe: each
 * run has its own, in its {@link Workspace}.
 */
public final class SlotAllocator implements Allocator {
  private final BufferPool pool;
  /** The slot of the kernel being called, until a request of its length takes it. */
  private float[] unclaimed;
  /** The slot of the kernel being called. */
  private float[] slot;
  /** Arrays handed out from the pool during this call. */
  private final List<float[]> pooled = new ArrayList<>();
  private long copies;

  /** An allocator whose requests outside a slot go to {@code pool}. */
  public SlotAllocator(BufferPool pool) {
    this.pool = pool;
  }

  /** Points the allocator at the slot for the next kernel's result; returns itself, to pass to the kernel. */
  public SlotAllocator into(float[] slot) {
    this.slot = slot;
    this.unclaimed = slot;
    pooled.clear();
    return this;
  }

  @Override
  public float[] take(int n) {
    float[] a = claim(n);
    if (a == null) {
      a = pool.take(n);
      pooled.add(a);
    }
    return a;
  }

  @Override
  public float[] takeZeroed(int n) {
    float[] a = claim(n);
    if (a == null) {
      a = pool.takeZeroed(n);
      pooled.add(a);
    } else {
      Arrays.fill(a, 0f);
    }
    return a;
  }

  /** The slot, if this is the first request of its length since {@link #into}; else null. */
  private float[] claim(int n) {
    if (unclaimed == null || unclaimed.length != n) {
      return null;
    }
    float[] a = unclaimed;
    unclaimed = null;
    return a;
  }

  @Override
  public void give(float[] a) {
    pool.give(a);
  }

  /**
   * {@code result} in the slot of the last {@link #into}: itself when the kernel wrote it there,
   * else a copy in the slot (the array the kernel returned goes back to the pool when it took it
   * from there; an operand's array is left alone).
   */
  public Tensor placed(Tensor result) {
    if (result.dtype() == DType.I64) {
      throw new IllegalStateException("an i64 value has no float slot");
    }
    float[] data = result.floats();
    if (data == slot) {
      return result;
    }
    if (data.length != slot.length) {
      throw new IllegalStateException("a result of " + data.length + " elements for a slot of " + slot.length);
    }
    copies++;
    System.arraycopy(data, 0, slot, 0, slot.length);
    for (float[] a : pooled) {
      if (a == data) {
        pool.give(data);
        break;
      }
    }
    pooled.clear();
    return result.dtype() == DType.BOOL ? Tensor.ofBool(slot, result.shape()) : Tensor.of(slot, result.shape());
  }

  /** How many results {@link #placed} had to copy into their slot (a kernel returned another array). */
  public long copies() {
    return copies;
  }
}
