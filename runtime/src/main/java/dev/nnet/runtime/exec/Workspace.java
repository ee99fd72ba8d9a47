package dev.nnet.runtime.exec;

import dev.nnet.runtime.Tensor;

/**
 * The memory of one run of a generated graph: one float array per slot of the graph's static
 * memory plan, and a {@link BufferPool} for what the plan leaves out (outputs, which the caller
 * keeps, and kernel scratch). A graph keeps the workspaces of finished runs and a run borrows one,
 * so runs on several threads never share one, and a later run with the same slot lengths (the
 * same batch size) allocates nothing.
 */
public final class Workspace {
  private final BufferPool pool = new BufferPool();
  private final SlotAllocator allocator = new SlotAllocator(pool);
  private float[][] slots = new float[0][];

  /**
   * The slot arrays for a run whose slots have these lengths (computed from the run's dims): the
   * arrays of an earlier run where the length is the same, new ones elsewhere.
   */
  public float[][] slots(int... lengths) {
    if (slots.length != lengths.length) {
      slots = new float[lengths.length][];
    }
    for (int k = 0; k < lengths.length; k++) {
      if (slots[k] == null || slots[k].length != lengths[k]) {
        slots[k] = new float[lengths[k]];
      }
    }
    return slots;
  }

  /** The pool for arrays outside the plan. */
  public BufferPool pool() {
    return pool;
  }

  /** The allocator to pass to the kernel that computes the value of {@code slot}. */
  public SlotAllocator into(float[] slot) {
    return allocator.into(slot);
  }

  /** The kernel's {@code result} in the slot of the last {@link #into} ({@link SlotAllocator#placed}). */
  public Tensor placed(Tensor result) {
    return allocator.placed(result);
  }

  /** How many kernel results were copied into their slot instead of written there. */
  public long copies() {
    return allocator.copies();
  }

  /**
   * Throws unless {@code value} lives in {@code slot}: the check generated code makes after each
   * planned value when written with {@code -Dnnet.java.checkSlots=true}.
   */
  public static void requireInSlot(Tensor value, float[] slot, int node, int k) {
    if (value.floats() != slot) {
      throw new IllegalStateException("%" + node + " is not in its slot " + k + " of the memory plan");
    }
  }
}
