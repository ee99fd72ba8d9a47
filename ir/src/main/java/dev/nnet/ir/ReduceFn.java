package dev.nnet.ir;

/** Reductions over a set of axes. */
public enum ReduceFn {
  SUM, MEAN, MAX;

  public String text() {
    return name().toLowerCase();
  }
}
