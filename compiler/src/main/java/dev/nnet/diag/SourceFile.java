package dev.nnet.diag;

import java.util.ArrayList;
import java.util.List;

/** The text of one .nnet file with its path, and the line lookups diagnostics need. */
public record SourceFile(String path, String text) {

  /** Line {@code n} (1-based) without its line break; empty past the end. */
  public String line(int n) {
    List<Integer> starts = lineStarts();
    if (n < 1 || n > starts.size()) {
      return "";
    }
    int start = starts.get(n - 1);
    int end = n < starts.size() ? starts.get(n) - 1 : text.length();
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
    return lineStarts().size();
  }

  private List<Integer> lineStarts() {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    return starts;
  }
}
