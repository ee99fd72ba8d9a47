package dev.nnet.runtime.exec;

/**
 * Where a kernel gets the float arrays it writes: its result, and scratch it gives back before it
 * returns. The interpreter passes its run's {@link BufferPool}; generated code that plans its
 * memory statically passes a {@link SlotAllocator}, which hands the kernel the result's slot.
 *
 * <p>A kernel asks for its result before any scratch of the same length, so an allocator that
 * answers the first request of a length with a particular array gets the result written there.
 */
public interface Allocator {
  /** An array of length {@code n} with arbitrary contents; the caller must overwrite all of it. */
  float[] take(int n);

  /** An array of length {@code n} filled with zeros. */
  float[] takeZeroed(int n);

  /** Returns an array that nothing reads any more (scratch); arrays the allocator does not own are ignored. */
  void give(float[] a);
}
