package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The counter-based generator: Philox4x32-10 against Random123's published known-answer vectors,
 * the derived draws against their definitions, and statistical sanity (moments, histogram,
 * correlation between neighbouring indices, salts, keys and scan steps). Bounds are about five
 * standard errors, so a correct generator fails them with probability below one in a million.
 */
class CounterRandomTest {
  private static final int SAMPLES = 1 << 20;

  /** Random123's {@code kat_vectors} for philox4x32_10: counter words, key words, expected output. */
  @Test
  void philoxMatchesRandom123KnownAnswers() {
    int[][][] cases = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{-1, -1, -1, -1}, {-1, -1}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
            {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (int[][] c : cases) {
      int[] out = new int[4];
      CounterRandom.philox(c[0][0], c[0][1], c[0][2], c[0][3], c[1][0], c[1][1], out);
      assertArrayEquals(c[2], out, Arrays.toString(c[0]));
    }
  }

  @Test
  void blocksPutTheBlockThenTheSaltInTheCounterAndTheRunKeyInTheKey() {
    int[] viaBlock = new int[4];
    int[] direct = new int[4];
    CounterRandom.block(0x299f31d0a4093822L, 0x037073441319_8a2eL, 0x85a308d3243f6a88L, viaBlock);
    CounterRandom.philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, direct);
    assertArrayEquals(direct, viaBlock);
    assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, viaBlock);
  }

  @Test
  void elementsAreTheDocumentedWordsOfTheirBlocks() {
    int[] w = new int[4];
    CounterRandom.block(7, 3, 5, w);
    for (int lane = 0; lane < 4; lane++) {
      assertEquals(w[lane], CounterRandom.bits32(7, 3, 5 * 4 + lane));
      assertEquals((w[lane] >>> 8) * 0x1p-24f, CounterRandom.uniform(7, 3, 5 * 4 + lane));
    }
    assertEquals((long) w[0] << 32 | w[1] & 0xFFFFFFFFL, CounterRandom.bits64(7, 3, 10));
    assertEquals((long) w[2] << 32 | w[3] & 0xFFFFFFFFL, CounterRandom.bits64(7, 3, 11));
  }

  @Test
  void fillsEqualTheScalarDefinitionOverAnyRange() {
    float[] u = new float[103];
    float[] z = new float[103];
    // Ranges that start and end inside blocks, as the chunks of a split kernel do.
    int[][] ranges = {{0, 1}, {1, 6}, {6, 7}, {7, 50}, {50, 103}};
    for (int[] r : ranges) {
      CounterRandom.fillUniform(11, 2, u, r[0], r[1]);
      CounterRandom.fillNormal(11, 2, z, r[0], r[1]);
    }
    for (int i = 0; i < u.length; i++) {
      assertEquals(CounterRandom.uniform(11, 2, i), u[i], "uniform " + i);
      assertEquals(CounterRandom.normal(11, 2, i), z[i], "normal " + i);
    }
  }

  @Test
  void uniformsAreInTheUnitIntervalWithItsMomentsAndAFlatHistogram() {
    float[] u = new float[SAMPLES];
    CounterRandom.fillUniform(42, 1, u, 0, u.length);
    int[] buckets = new int[64];
    for (float v : u) {
      assertTrue(v >= 0f && v < 1f, "out of [0, 1): " + v);
      buckets[(int) (v * 64)]++;
    }
    double[] m = moments(u);
    assertEquals(0.5, m[0], 5 * Math.sqrt(1.0 / 12 / SAMPLES));
    assertEquals(1.0 / 12, m[1], 0.001);
    double chi2 = 0;
    double expected = SAMPLES / 64.0;
    for (int b : buckets) {
      chi2 += (b - expected) * (b - expected) / expected;
    }
    assertTrue(chi2 < 130, "chi-squared with 63 degrees of freedom: " + chi2); // p < 1e-6 above 130
  }

  @Test
  void normalsHaveZeroMeanUnitVarianceAndTheNormalShape() {
    float[] z = new float[SAMPLES];
    CounterRandom.fillNormal(42, 1, z, 0, z.length);
    double[] m = moments(z);
    assertEquals(0, m[0], 5 / Math.sqrt(SAMPLES));
    assertEquals(1, m[1], 5 * Math.sqrt(2.0 / SAMPLES));
    int within1 = 0;
    int within2 = 0;
    for (float v : z) {
      within1 += Math.abs(v) < 1 ? 1 : 0;
      within2 += Math.abs(v) < 2 ? 1 : 0;
      assertTrue(Math.abs(v) < 6.7, "beyond the largest Box–Muller value: " + v);
    }
    assertEquals(0.682689, within1 / (double) SAMPLES, 0.0025);
    assertEquals(0.954500, within2 / (double) SAMPLES, 0.0015);
  }

  @Test
  void gumbelNoiseHasTheGumbelMoments() {
    int n = SAMPLES / 4;
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double g = CounterRandom.gumbel(5, 9, i);
      assertTrue(Double.isFinite(g));
      sum += g;
      sq += g * g;
    }
    double mean = sum / n;
    double variance = sq / n - mean * mean;
    assertEquals(0.5772156649, mean, 5 * Math.sqrt(Math.PI * Math.PI / 6 / n));
    assertEquals(Math.PI * Math.PI / 6, variance, 0.05);
  }

  @Test
  void neighbouringIndicesSaltsKeysAndStepsAreUncorrelated() {
    int n = SAMPLES / 2;
    float[] a = new float[n + 1];
    float[] otherSalt = new float[n];
    float[] otherKey = new float[n];
    float[] nextStep = new float[n];
    CounterRandom.fillUniform(42, 1, a, 0, n + 1);
    CounterRandom.fillUniform(42, 2, otherSalt, 0, n);
    CounterRandom.fillUniform(43, 1, otherKey, 0, n);
    CounterRandom.fillUniform(CounterRandom.stepKey(42, 1), 1, nextStep, 0, n);
    float[] shifted = Arrays.copyOfRange(a, 1, n + 1);
    float[] head = Arrays.copyOf(a, n);
    double bound = 5 / Math.sqrt(n);
    assertEquals(0, correlation(head, shifted), bound, "index i and i + 1");
    assertEquals(0, correlation(head, otherSalt), bound, "salts 1 and 2");
    assertEquals(0, correlation(head, otherKey), bound, "keys 42 and 43");
    assertEquals(0, correlation(head, nextStep), bound, "a key and its step key");
    float[] z = new float[n + 1];
    CounterRandom.fillNormal(42, 1, z, 0, n + 1);
    assertEquals(0, correlation(Arrays.copyOf(z, n), Arrays.copyOfRange(z, 1, n + 1)), bound, "normals i and i + 1");
    assertEquals(0, correlation(head, Arrays.copyOf(z, n)), bound, "uniform and normal of one salt");
  }

  @Test
  void stepKeysDifferPerStepAndFromTheKey() {
    Set<Long> keys = new HashSet<>();
    keys.add(42L);
    for (int t = 0; t < 1000; t++) {
      keys.add(CounterRandom.stepKey(42, t));
    }
    assertEquals(1001, keys.size());
    assertEquals(CounterRandom.stepKey(42, 7), CounterRandom.stepKey(42, 7));
  }

  @Test
  void permutationKeysAreDistinctAndEndInTheIndex() {
    int n = 1000;
    assertEquals(10, CounterRandom.indexBits(n));
    assertEquals(0, CounterRandom.indexBits(1));
    Set<Long> keys = new HashSet<>();
    for (int i = 0; i < n; i++) {
      long k = CounterRandom.permutationKey(3, 4, i, n);
      assertEquals(i, k & 1023);
      keys.add(k);
    }
    assertEquals(n, keys.size());
    assertNotEquals(CounterRandom.permutationKey(3, 4, 0, n), CounterRandom.permutationKey(3, 5, 0, n));
  }

  @Test
  void negativeSaltsAreReserved() {
    assertThrows(IllegalArgumentException.class, () -> new Op.RandomUniform(TensorType.f32(Shape.of(2)), -1));
    assertThrows(IllegalArgumentException.class, () -> new Op.Categorical(-5));
    assertEquals(0, CounterRandom.checkSalt(0));
  }

  private static double[] moments(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x;
    }
    double mean = sum / v.length;
    double sq = 0;
    for (float x : v) {
      sq += (x - mean) * (x - mean);
    }
    return new double[] {mean, sq / v.length};
  }

  private static double correlation(float[] a, float[] b) {
    double[] ma = moments(a);
    double[] mb = moments(b);
    double cov = 0;
    for (int i = 0; i < a.length; i++) {
      cov += (a[i] - ma[0]) * (b[i] - mb[0]);
    }
    return cov / a.length / Math.sqrt(ma[1] * mb[1]);
  }
}
