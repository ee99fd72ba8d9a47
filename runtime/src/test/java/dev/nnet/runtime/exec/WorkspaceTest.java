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
}
