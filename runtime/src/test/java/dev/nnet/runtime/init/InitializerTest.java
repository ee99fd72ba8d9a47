package dev.nnet.runtime.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.runtime.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Initializers draw from the documented distributions (PyTorch's fan conventions). */
class InitializerTest {
  private static double[] stats(Tensor t) {
    double sum = 0;
    double sq = 0;
    double maxAbs = 0;
    for (float v : t.floats()) {
      sum += v;
      sq += v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    double mean = sum / t.size();
    return new double[] {mean, Math.sqrt(sq / t.size() - mean * mean), maxAbs};
  }

  @Test
  void xavierUniformBoundIsSqrtSixOverFans() {
    Tensor w = new Initializer.XavierUniform(1).create(new int[] {256, 784}, new SplittableRandom(1));
    double bound = Math.sqrt(6.0 / (784 + 256));
    double[] s = stats(w);
    assertTrue(s[2] <= bound && s[2] > 0.99 * bound, "max |w| " + s[2] + " vs bound " + bound);
    assertEquals(bound / Math.sqrt(3), s[1], 0.01 * bound, "std of U(-a, a) is a / sqrt(3)");
  }

  @Test
  void heNormalStdIsSqrtTwoOverFanIn() {
    Tensor w = new Initializer.HeNormal().create(new int[] {64, 32, 3, 3}, new SplittableRandom(2));
    double std = Math.sqrt(2.0 / (32 * 9));
    double[] s = stats(w);
    assertEquals(0, s[0], 0.02 * std);
    assertEquals(std, s[1], 0.03 * std);
  }

  @Test
  void xavierNormalAndLeCunAndHeUniform() {
    SplittableRandom rng = new SplittableRandom(3);
    assertEquals(Math.sqrt(2.0 / (100 + 200)),
        stats(new Initializer.XavierNormal(1).create(new int[] {200, 100}, rng))[1], 0.003);
    assertEquals(Math.sqrt(1.0 / 100), stats(new Initializer.LeCunNormal().create(new int[] {200, 100}, rng))[1], 0.003);
    double heBound = Math.sqrt(6.0 / 100);
    double[] he = stats(new Initializer.HeUniform().create(new int[] {200, 100}, rng));
    assertTrue(he[2] <= heBound && he[2] > 0.99 * heBound);
  }

  @Test
  void constantsAndSeededReproducibility() {
    assertEquals(0.0, stats(new Initializer.Zeros().create(new int[] {3, 4}, new SplittableRandom(0)))[2]);
    assertEquals(0.25f, new Initializer.Constant(0.25).create(new int[] {2}, new SplittableRandom(0)).floats()[1]);
    Tensor a = new Initializer.Normal(1, 2).create(new int[] {10}, new SplittableRandom(7));
    Tensor b = new Initializer.Normal(1, 2).create(new int[] {10}, new SplittableRandom(7));
    assertEquals(java.util.Arrays.toString(a.floats()), java.util.Arrays.toString(b.floats()));
    Tensor u = new Initializer.Uniform(-0.5, 0.5).create(new int[] {1000}, new SplittableRandom(8));
    assertTrue(stats(u)[2] <= 0.5);
  }
}
