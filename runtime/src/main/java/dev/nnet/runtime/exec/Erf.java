package dev.nnet.runtime.exec;

/** The error function, accurate to about 1e-15 (W. J. Cody's rational approximations via erfc). */
public final class Erf {
  private Erf() {}

  /** erf(x). */
  public static double erf(double x) {
    double ax = Math.abs(x);
    if (ax < 0.5) {
      // Maclaurin series converges quickly near zero.
      double x2 = x * x;
      double term = x;
      double sum = x;
      for (int n = 1; n < 30; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      return 2 / Math.sqrt(Math.PI) * sum;
    }
    double r = 1 - erfcLarge(ax);
    return x < 0 ? -r : r;
  }

  /** erfc for x >= 0.5 by a continued fraction (Lentz), converging fast there. */
  private static double erfcLarge(double x) {
    if (x > 27) {
      return 0;
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
    double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0;
    for (int n = 1; n < 200; n++) {
      double an = n / 2.0;
      d = x + an * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = x + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
}
