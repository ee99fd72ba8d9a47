package dev.nnet.grad;

/** A program asks for a gradient that no rule provides; reported as a diagnostic at the node's span. */
public final class UnsupportedGradient extends RuntimeException {
  public UnsupportedGradient(String what) {
    super(what + " is not differentiable");
  }
}
