package dev.nnet.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The Vector API rows give bit for bit what the plain loops give, including NaN, infinities and
 * signed zeros, at every offset and for lengths that leave a tail shorter than a vector.
 */
class VectorElementwiseTest {
  private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 3.5f, -2.25f};

  @Test
  void theTestsRunWithTheVectorApi() {
    assertTrue(VectorApi.AVAILABLE, "surefire's argLine adds jdk.incubator.vector");
  }

  @Property(tries = 200)
  void rowsMatchPlainJavaSemantics(@ForAll @IntRange(min = 1, max = 70) int n, @ForAll @IntRange(max = 9) int ia,
      @ForAll @IntRange(max = 9) int ib, @ForAll @IntRange(max = 9) int o, @ForAll boolean scalar,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = values(r, ia + n);
    float[] b = values(r, ib + n);
    int sb = scalar ? 0 : 1;
    for (BinaryFn fn : new BinaryFn[] {BinaryFn.ADD, BinaryFn.SUB, BinaryFn.MUL, BinaryFn.DIV, BinaryFn.GT,
        BinaryFn.GE, BinaryFn.LT, BinaryFn.LE}) {
      float[] y = new float[o + n];
      assertTrue(VectorElementwise.row(fn, a, ia, b, ib, sb, y, o, n), fn.text());
      for (int i = 0; i < n; i++) {
        float want = plain(fn, a[ia + i], b[ib + i * sb]);
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[o + i]),
            fn.text() + " of " + a[ia + i] + " and " + b[ib + i * sb] + " at " + i);
      }
    }
  }

  @Property(tries = 200)
  void whereMatchesPlainJavaSemantics(@ForAll @IntRange(min = 1, max = 70) int n, @ForAll @IntRange(max = 9) int off,
      @ForAll boolean scalar, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] c = new float[off + n];
    for (int i = 0; i < c.length; i++) {
      c[i] = r.nextBoolean() ? 1f : 0f;
    }
    float[] a = values(r, off + n);
    float[] b = values(r, off + n);
    int sb = scalar ? 0 : 1;
    float[] y = new float[off + n];
    VectorElementwise.where(c, off, a, off, b, off, sb, y, off, n);
    for (int i = 0; i < n; i++) {
      float want = c[off + i] != 0f ? a[off + i] : b[off + i * sb];
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[off + i]), "at " + i);
    }
  }

  @Test
  void otherFunctionsAreLeftToThePlainLoops() {
    float[] y = new float[1];
    for (BinaryFn fn : new BinaryFn[] {BinaryFn.EQ, BinaryFn.NE, BinaryFn.MAX, BinaryFn.MIN, BinaryFn.POW}) {
      assertTrue(!VectorElementwise.row(fn, new float[] {1}, 0, new float[] {2}, 0, 1, y, 0, 1), fn.text());
    }
  }

  private static float plain(BinaryFn fn, float x, float z) {
    return switch (fn) {
      case ADD -> x + z;
      case SUB -> x - z;
      case MUL -> x * z;
      case DIV -> x / z;
      case GT -> x > z ? 1f : 0f;
      case GE -> x >= z ? 1f : 0f;
      case LT -> x < z ? 1f : 0f;
      case LE -> x <= z ? 1f : 0f;
      default -> throw new IllegalArgumentException(fn.text());
    };
  }

  private static float[] values(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
    }
    return v;
  }
}
