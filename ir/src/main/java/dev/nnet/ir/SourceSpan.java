package dev.nnet.ir;

import java.util.Objects;

/**
 * A range of .nnet source text. IR nodes keep the span of the source they came from through
 * differentiation and optimisation, so runtime errors point at a .nnet line. Lines and columns
 * are 1-based; the end is exclusive.
 *
 * <p>A span in a library (std/nn.nnet) may carry {@code caller}: the call in the user's code through
 * which it was reached ({@code cross_entropy(logits, y - 1)} for the {@code one_hot} inside
 * {@code cross_entropy}), so that an error found while a graph runs is reported at the user's line,
 * as the checker reports its own, with the library line as a note. The caller is not part of the
 * span's identity: {@code equals} and {@code hashCode} compare the range alone.
 *
 * @param caller the user's call that reached this library span, or null
 */
public record SourceSpan(String file, int line, int column, int endLine, int endColumn, Call caller) {
  /** A span for generated code with no source. */
  public static final SourceSpan NONE = new SourceSpan("<generated>", 0, 0, 0, 0);

  /**
   * A call in the user's code into a library function or layer.
   *
   * @param callee the function or layer called ({@code cross_entropy})
   * @param at the call expression
   */
  public record Call(String callee, SourceSpan at) {}

  /** A span with no caller. */
  public SourceSpan(String file, int line, int column, int endLine, int endColumn) {
    this(file, line, column, endLine, endColumn, null);
  }

  public boolean isKnown() {
    return line > 0;
  }

  /** This span, reached through {@code call}. */
  public SourceSpan calledFrom(Call call) {
    return new SourceSpan(file, line, column, endLine, endColumn, call);
  }

  /** Where a user should look: the call in their code that reached this span, or this span itself. */
  public SourceSpan inUserCode() {
    return caller == null ? this : caller.at();
  }

  /**
   * Where, inline in a sentence: {@code file:line:col}, or for a library span reached from the user's
   * code, the user's call first: {@code m.nnet:12:10 (in `cross_entropy`, std/nn.nnet:74:3)}.
   */
  public String describe() {
    return caller == null ? toString() : caller.at() + " (in `" + caller.callee() + "`, " + this + ")";
  }

  /**
   * A message about this span, as the checker words one: {@code file:line:col: detail}; for a library
   * span reached from the user's code, at the user's call, the library line as a note.
   */
  public String locate(String detail) {
    if (!isKnown()) {
      return detail;
    }
    if (caller == null) {
      return this + ": " + detail;
    }
    return caller.at() + ": in `" + caller.callee() + "`: " + detail + "\n  = note: " + this + ": inside `"
        + caller.callee() + "`";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceSpan s && file.equals(s.file) && line == s.line && column == s.column
        && endLine == s.endLine && endColumn == s.endColumn;
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, line, column, endLine, endColumn);
  }

  /** {@code file:line:col}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
