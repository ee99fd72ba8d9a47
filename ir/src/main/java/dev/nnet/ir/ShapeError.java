package dev.nnet.ir;

/**
 * A shape or dtype rule of a primitive was violated. The message is plain English and names the
 * shapes involved; the compiler attaches the source span and turns it into a diagnostic.
 */
public final class ShapeError extends Exception {
  public ShapeError(String message) {
    super(message);
  }
}
