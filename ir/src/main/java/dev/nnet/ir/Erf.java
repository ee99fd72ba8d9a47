package dev.nnet.ir;

/**
 * The error function in double precision, for GELU. Java's {@code Math} has none; common float
 * approximations (Abramowitz–Stegun 7.1.26) are only good to about 1e-7, which is not enough for
 * an oracle that other backends are tested against.
 */
public final class Erf {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  private Erf() {}

  /**
   * erf(x) from the series {@code erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))},
   * whose terms are all positive (no cancellation), so it is accurate to about 1e-15 for every x.
   * Beyond |x| = 6, 1 - |erf(x)| is below 2e-17 and the answer is ±1.
   */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    if (ax >= 6) {
      return Math.copySign(1.0, x);
    }
    double x2 = ax * ax;
    double term = ax;
    double sum = ax;
    for (int n = 1; n < 200; n++) {
      term *= 2 * x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return Math.copySign(TWO_OVER_SQRT_PI * Math.exp(-x2) * sum, x);
  }
}
