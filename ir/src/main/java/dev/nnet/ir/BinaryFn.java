package dev.nnet.ir;

/** Elementwise functions of two broadcast arguments. Comparisons produce {@code bool}. */
public enum BinaryFn {
  ADD, SUB, MUL, DIV, POW, MAX, MIN, LT, LE, GT, GE, EQ, NE, AND, OR;

  public boolean isComparison() {
    return switch (this) {
      case LT, LE, GT, GE, EQ, NE -> true;
      default -> false;
    };
  }

  public boolean isLogical() {
    return this == AND || this == OR;
  }

  public String text() {
    return name().toLowerCase();
  }
}
