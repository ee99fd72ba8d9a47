package dev.nnet.ir;

/**
 * Elementwise functions of one f32 argument, each with its scalar meaning written once, in
 * {@link #apply}: constant folding, the reference kernels and code generators all use it (the
 * executor's vectorized fast paths are tested bit for bit against it).
 */
public enum UnaryFn {
  NEG, EXP, LOG, SQRT, ABS, SIGN, TANH, SIGMOID, RECIPROCAL, SIN, COS, ERF, FLOOR;

  public String text() {
    return name().toLowerCase();
  }

  /** The f32 result: computed in double where Java's math is double, then rounded once. */
  public float apply(float x) {
    return switch (this) {
      case NEG -> -x;
      case EXP -> (float) Math.exp(x);
      case LOG -> (float) Math.log(x);
      case SQRT -> (float) Math.sqrt(x);
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case TANH -> tanh(x);
      case SIGMOID -> sigmoid(x);
      case RECIPROCAL -> 1f / x;
      case SIN -> (float) Math.sin(x);
      case COS -> (float) Math.cos(x);
      case ERF -> (float) Erf.erf(x);
      case FLOOR -> (float) Math.floor(x);
    };
  }

  /** The same function on a double, for folding hyperparameter arithmetic ({@code exp(0.5)}). */
  public double applyDouble(double x) {
    return switch (this) {
      case NEG -> -x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      case RECIPROCAL -> 1 / x;
      case SIN -> Math.sin(x);
      case COS -> Math.cos(x);
      case ERF -> Erf.erf(x);
      case FLOOR -> Math.floor(x);
    };
  }

  /**
   * tanh through exp, in double: {@code (1 - e) / (1 + e)} with {@code e = exp(-2|x|)}, exact to
   * about 1e-13 relative for |x| >= 2^-12 and x itself below (where tanh(x) - x is under 1e-11 of
   * x), so the f32 result is correctly rounded or one ulp off. Math.tanh is several times slower
   * (not a JIT intrinsic, unlike exp), and recurrent layers call tanh on every element of every step.
   */
  private static float tanh(float x) {
    float a = Math.abs(x);
    if (a < 0x1p-12f || Float.isNaN(x)) {
      return x;
    }
    double e = Math.exp(-2.0 * a);
    double t = (1 - e) / (1 + e);
    return (float) (x < 0 ? -t : t);
  }

  /** Logistic function; exp is only taken of non-positive numbers, so it never overflows. */
  private static float sigmoid(float x) {
    if (x >= 0) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }
}
