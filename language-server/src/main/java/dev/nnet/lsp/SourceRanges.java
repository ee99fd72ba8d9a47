package dev.nnet.lsp;

import dev.nnet.ir.SourceSpan;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * The mapping between compiler spans (1-based line and column, end exclusive) and LSP ranges
 * (0-based line and character, end exclusive). Columns are taken as UTF-16 offsets, LSP's default
 * encoding; they differ from the compiler's only after a character outside the Basic Multilingual
 * Plane on the same line, which .nnet source never needs outside comments.
 */
final class SourceRanges {
  private SourceRanges() {}

  static Range range(SourceSpan span) {
    if (span == null || !span.isKnown()) {
      return new Range(new Position(0, 0), new Position(0, 0));
    }
    return new Range(new Position(span.line() - 1, Math.max(0, span.column() - 1)),
        new Position(span.endLine() - 1, Math.max(0, span.endColumn() - 1)));
  }

  static Position end(SourceSpan span) {
    return range(span).getEnd();
  }

  /** The compiler's 1-based line of an LSP position. */
  static int line(Position p) {
    return p.getLine() + 1;
  }

  /** The compiler's 1-based column of an LSP position. */
  static int column(Position p) {
    return p.getCharacter() + 1;
  }

  /** Whether {@code span} covers {@code p}; a position just after its end counts, as a cursor there. */
  static boolean contains(SourceSpan span, Position p) {
    if (span == null || !span.isKnown()) {
      return false;
    }
    int line = line(p);
    int col = column(p);
    boolean afterStart = line > span.line() || (line == span.line() && col >= span.column());
    boolean beforeEnd = line < span.endLine() || (line == span.endLine() && col <= span.endColumn());
    return afterStart && beforeEnd;
  }

  /** Whether {@code span} lies at least partly inside {@code range}. */
  static boolean overlaps(SourceSpan span, Range range) {
    Range r = range(span);
    return compare(r.getEnd(), range.getStart()) >= 0 && compare(r.getStart(), range.getEnd()) <= 0;
  }

  private static int compare(Position a, Position b) {
    return a.getLine() != b.getLine() ? Integer.compare(a.getLine(), b.getLine())
        : Integer.compare(a.getCharacter(), b.getCharacter());
  }

  /** The offset in {@code text} of LSP position {@code p}, clamped to the text. */
  static int offset(String text, Position p) {
    int line = 0;
    int i = 0;
    while (line < p.getLine() && i < text.length()) {
      if (text.charAt(i++) == '\n') {
        line++;
      }
    }
    int lineEnd = text.indexOf('\n', i);
    return Math.min(i + p.getCharacter(), lineEnd < 0 ? text.length() : lineEnd);
  }
}
