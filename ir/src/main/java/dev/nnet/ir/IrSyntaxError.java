package dev.nnet.ir;

/** IR text that {@link GraphParser} cannot read: the 1-based line and what is wrong with it. */
public final class IrSyntaxError extends Exception {
  private final int line;

  public IrSyntaxError(int line, String message) {
    super("line " + line + ": " + message);
    this.line = line;
  }

  /** The 1-based line of the text where the error is. */
  public int line() {
    return line;
  }
}
