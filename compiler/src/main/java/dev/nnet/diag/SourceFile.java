package dev.nnet.diag;

import java.util.Arrays;
import java.util.Objects;

/**
 * The text of one .nnet file with its path, and the line lookups diagnostics need. A value (equal
 * when path and text are); the start of each line is computed once, on the first lookup, so
 * rendering many diagnostics of a large file is linear (it rescanned the file for every line).
 */
public final class SourceFile {
  private final String path;
  private final String text;
  /** Offsets where each line starts; computed on first use (a benign race: every thread computes the same). */
  private volatile int[] lineStarts;

  public SourceFile(String path, String text) {
    this.path = Objects.requireNonNull(path);
    this.text = Objects.requireNonNull(text);
  }

  public String path() {
    return path;
  }

  public String text() {
    return text;
  }

  /** Line {@code n} (1-based) without its line break; empty past the end. */
  public String line(int n) {
    int[] starts = lineStarts();
    if (n < 1 || n > starts.length) {
      return "";
    }
    int start = starts[n - 1];
    int end = n < starts.length ? starts[n] - 1 : text.length();
    String s = text.substring(start, Math.max(start, end));
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** The text a single-line span covers; empty if the span is unknown or spans lines. */
  public String slice(dev.nnet.ir.SourceSpan span) {
    if (!span.isKnown() || span.line() != span.endLine()) {
      return "";
    }
    String l = line(span.line());
    int from = Math.min(l.length(), Math.max(0, span.column() - 1));
    int to = Math.min(l.length(), Math.max(from, span.endColumn() - 1));
    return l.substring(from, to);
  }

  public int lineCount() {
    return lineStarts().length;
  }

  private int[] lineStarts() {
    int[] starts = lineStarts;
    if (starts == null) {
      int[] found = new int[16];
      int count = 1; // found[0] = 0: the first line starts the text
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          if (count == found.length) {
            found = Arrays.copyOf(found, count * 2);
          }
          found[count++] = i + 1;
        }
      }
      starts = Arrays.copyOf(found, count);
      lineStarts = starts;
    }
    return starts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceFile f && f.path.equals(path) && f.text.equals(text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, text);
  }

  @Override
  public String toString() {
    return "SourceFile[path=" + path + ", " + text.length() + " chars]";
  }
}
