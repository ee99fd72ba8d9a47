package dev.nnet.ir;

/**
 * A range of .nnet source text. IR nodes keep the span of the source they came from through
 * differentiation and optimisation, so runtime errors point at a .nnet line. Lines and columns
 * are 1-based; the end is exclusive.
 */
public record SourceSpan(String file, int line, int column, int endLine, int endColumn) {
  /** A span for generated code with no source. */
  public static final SourceSpan NONE = new SourceSpan("<generated>", 0, 0, 0, 0);

  public boolean isKnown() {
    return line > 0;
  }

  /** {@code file:line:col}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
