package dev.nnet.runtime.exec;

/**
 * {@code condition != 0f ? a : b} on floats without a branch, for the loops the java backend
 * generates. {@code where(x > 0, x, 0)} (a ReLU) on data whose sign is random mispredicts a branch
 * on every other element: as a branch, a fused bias-and-ReLU loop over a 256 x 256 batch took
 * about four times as long as with this select (which C2 compiles to a few integer operations).
 */
public final class BranchFreeSelect {
  private BranchFreeSelect() {}

  /**
   * Exactly {@code condition != 0f ? a : b}: every NaN condition chooses {@code a}, both zeros
   * choose {@code b}, and the chosen value's bits (NaN payloads, the sign of zero) are kept.
   */
  public static float where(float condition, float a, float b) {
    int magnitude = Float.floatToRawIntBits(condition) & 0x7fffffff; // -0f is zero too
    int chooseA = (magnitude | -magnitude) >> 31; // all ones when magnitude != 0, else 0
    return Float.intBitsToFloat((Float.floatToRawIntBits(a) & chooseA) | (Float.floatToRawIntBits(b) & ~chooseA));
  }
}
