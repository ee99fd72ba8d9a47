package dev.nnet.ir;

/** Elementwise functions of one f32 argument. */
public enum UnaryFn {
  NEG, EXP, LOG, SQRT, ABS, SIGN, TANH, SIGMOID, RECIPROCAL, SIN, COS, ERF, FLOOR;

  public String text() {
    return name().toLowerCase();
  }
}
