package dev.nnet.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnet.ir.DType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Kernels writing into the slots of a static memory plan through a {@link Workspace}. */
class WorkspaceTest {
  @Test
  void aKernelWritesItsResultIntoTheSlot() {
    Workspace ws = new Workspace();
    float[][] slots = ws.slots(4, 6);
    Tensor x = Tensor.of(new float[] {-1, 2, -3, 4}, 2, 2);
    Tensor y = ws.placed(ElementwiseKernels.unary(UnaryFn.ABS, x, ws.into(slots[0])));
    assertSame(slots[0], y.floats());
    assertArrayEquals(new float[] {1, 2, 3, 4}, y.floats());
    Tensor m = ws.placed(MatMulKernel.matmul(y, false, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), false,
        ws.into(slots[1])));
    assertSame(slots[1], m.floats());
    assertArrayEquals(new float[] {9, 12, 15, 19, 26, 33}, m.floats());
    assertEquals(0, ws.copies());
  }

  @Test
  void theSameLengthsReuseTheArraysAndOtherLengthsReplaceThem() {
    Workspace ws = new Workspace();
    float[][] first = ws.slots(4, 6).clone();
    float[][] again = ws.slots(4, 6);
    assertSame(first[0], again[0]);
    assertSame(first[1], again[1]);
    float[][] other = ws.slots(4, 8);
    assertSame(first[0], other[0]);
    assertEquals(8, other[1].length);
  }

  @Test
  void onlyTheFirstRequestOfTheSlotsLengthGetsTheSlot() {
    Workspace ws = new Workspace();
    float[] slot = ws.slots(3)[0];
    SlotAllocator a = ws.into(slot);
    assertNotSame(slot, a.take(2), "another length goes to the pool");
    float[] result = a.takeZeroed(3);
    assertSame(slot, result);
    assertArrayEquals(new float[3], result);
    assertNotSame(slot, a.take(3), "scratch of the same length after the result goes to the pool");
  }

  @Test
  void aResultThatIsNotTheSlotIsCopiedIntoIt() {
    Workspace ws = new Workspace();
    float[] slot = ws.slots(3)[0];
    Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
    Tensor same = ElementwiseKernels.cast(x, DType.F32, ws.into(slot)); // returns its operand
    assertSame(x.floats(), same.floats());
    Tensor placed = ws.placed(same);
    assertSame(slot, placed.floats());
    assertArrayEquals(new float[] {1, 2, 3}, placed.floats());
    assertArrayEquals(new float[] {1, 2, 3}, x.floats(), "the operand is left alone");
    assertEquals(1, ws.copies());
    assertThrows(IllegalStateException.class, () -> Workspace.requireInSlot(x, slot, 7, 0));
    Workspace.requireInSlot(placed, slot, 7, 0);
  }

  /**
   * The filter gradient takes its result first and then per-thread partial sums of the same
   * length: the result lands in the slot, the partials come from the pool, and the sum is the
   * pool's.
   */
  @Test
  void scratchOfTheResultsLengthAfterTheResultComesFromThePool() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    Tensor x = Tensor.of(randoms(rng, 64 * 3 * 12 * 12), 64, 3, 12, 12);
    Tensor dy = Tensor.of(randoms(rng, 64 * 4 * 10 * 10), 64, 4, 10, 10);
    int[] k = {3, 3};
    int[] one = {1, 1};
    int[] zero = {0, 0};
    Tensor viaPool = ConvKernels.convFilterGrad(x, dy, k, one, zero, zero, one, 1, new BufferPool());
    Workspace ws = new Workspace();
    float[] slot = ws.slots(4 * 3 * 3 * 3)[0];
    Tensor viaSlot = ws.placed(ConvKernels.convFilterGrad(x, dy, k, one, zero, zero, one, 1, ws.into(slot)));
    assertSame(slot, viaSlot.floats());
    assertArrayEquals(viaPool.floats(), viaSlot.floats());
    assertEquals(0, ws.copies());
  }

  private static float[] randoms(java.util.SplittableRandom rng, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rng.nextDouble(-1, 1);
    }
    return a;
  }
}
