package dev.nnet.backend.java;

/**
 * A graph the Java backend cannot turn into Java (an op it does not compile yet, a dimension no
 * input gives). It is reported before anything runs, with the source location of the node at
 * fault when there is one, instead of running something that computes the wrong thing.
 */
public final class JavaBackendError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with {@code message}, which says what is missing and what to do instead. */
  public JavaBackendError(String message) {
    super(message);
  }
}
