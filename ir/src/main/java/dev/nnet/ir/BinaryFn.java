package dev.nnet.ir;

/**
 * Elementwise functions of two broadcast arguments, each with its scalar meaning written once:
 * {@link #apply} on f32 (and bool, stored as 0/1), {@link #applyLong} on i64. Comparisons produce
 * {@code bool}.
 */
public enum BinaryFn {
  ADD, SUB, MUL, DIV, POW, MAX, MIN, LT, LE, GT, GE, EQ, NE, AND, OR;

  public boolean isComparison() {
    return switch (this) {
      case LT, LE, GT, GE, EQ, NE -> true;
      case ADD, SUB, MUL, DIV, POW, MAX, MIN, AND, OR -> false;
    };
  }

  public boolean isLogical() {
    return this == AND || this == OR;
  }

  public String text() {
    return name().toLowerCase();
  }

  /**
   * The f32 result; comparisons and logic give 1 or 0. {@code max}/{@code min} propagate NaN and
   * order -0 below +0 (Java's Math.max, as PyTorch's maximum).
   */
  public float apply(float a, float b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> (float) Math.pow(a, b);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case LT -> a < b ? 1f : 0f;
      case LE -> a <= b ? 1f : 0f;
      case GT -> a > b ? 1f : 0f;
      case GE -> a >= b ? 1f : 0f;
      case EQ -> a == b ? 1f : 0f;
      case NE -> a != b ? 1f : 0f;
      case AND -> a != 0f && b != 0f ? 1f : 0f;
      case OR -> a != 0f || b != 0f ? 1f : 0f;
    };
  }

  /**
   * The i64 result; comparisons give 1 or 0. Division floors (Python's {@code //}); division by
   * zero, negative powers and the logical functions are errors.
   */
  public long applyLong(long a, long b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> {
        if (b == 0) {
          throw new ArithmeticException("integer division by zero");
        }
        yield Math.floorDiv(a, b);
      }
      case POW -> longPow(a, b);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case LT -> a < b ? 1 : 0;
      case LE -> a <= b ? 1 : 0;
      case GT -> a > b ? 1 : 0;
      case GE -> a >= b ? 1 : 0;
      case EQ -> a == b ? 1 : 0;
      case NE -> a != b ? 1 : 0;
      case AND, OR -> throw new ArithmeticException("`" + text() + "` is not defined on i64 values");
    };
  }

  /** The same function on doubles, for folding hyperparameter arithmetic. */
  public double applyDouble(double a, double b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> Math.pow(a, b);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case LT -> a < b ? 1 : 0;
      case LE -> a <= b ? 1 : 0;
      case GT -> a > b ? 1 : 0;
      case GE -> a >= b ? 1 : 0;
      case EQ -> a == b ? 1 : 0;
      case NE -> a != b ? 1 : 0;
      case AND -> a != 0 && b != 0 ? 1 : 0;
      case OR -> a != 0 || b != 0 ? 1 : 0;
    };
  }

  private static long longPow(long base, long exp) {
    if (exp < 0) {
      throw new ArithmeticException("integers to negative integer powers are not allowed: " + base + " ** " + exp);
    }
    long r = 1;
    for (long e = exp, x = base; e > 0; e >>= 1, x *= x) {
      if ((e & 1) != 0) {
        r *= x;
      }
    }
    return r;
  }
}
