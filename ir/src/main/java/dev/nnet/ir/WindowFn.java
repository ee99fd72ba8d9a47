package dev.nnet.ir;

/** The reductions a pooling window computes; average pooling is a sum divided by a count. */
public enum WindowFn {
  MAX, SUM;

  public String text() {
    return name().toLowerCase();
  }
}
