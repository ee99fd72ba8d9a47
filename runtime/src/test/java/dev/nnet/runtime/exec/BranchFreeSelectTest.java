package dev.nnet.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BranchFreeSelectTest {
  private static final float[] VALUES = {0f, -0f, 1f, -1f, 0.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc00123),
      Float.intBitsToFloat(0xffc00001)};

  @Test
  void choosesExactlyAsTheTernaryDoesBitForBit() {
    for (float condition : VALUES) {
      for (float a : VALUES) {
        for (float b : VALUES) {
          float expected = condition != 0f ? a : b;
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(BranchFreeSelect.where(condition, a, b)),
              () -> "where(" + condition + ", " + a + ", " + b + ")");
        }
      }
    }
  }
}
