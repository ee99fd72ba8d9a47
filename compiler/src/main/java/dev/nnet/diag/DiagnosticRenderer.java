package dev.nnet.diag;

import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Renders diagnostics rustc-style with a source frame:
 *
 * <pre>
 * mlp.nnet:14:9: error[NNET0301]: `fc2` expects 256 input features, got 128
 *    |
 * 12 |   fc1 = Linear(784, 128)
 *    |         ---------------- produces [N, 128]
 * 14 |   fc2 = Linear(256, 10)
 *    |         ^^^^^^^^^^^^^^^ expects [*B, 256]
 *    = bindings: N = batch size (from `forward(x: [N, 1, 28, 28])`, line 5)
 *    = help: write `Linear(128, 10)`
 * </pre>
 */
public final class DiagnosticRenderer {
  private final Function<String, SourceFile> sources;
  private final boolean color;

  /** {@code sources} finds a file's text by path (null if unknown: the frame is left out). */
  public DiagnosticRenderer(Function<String, SourceFile> sources, boolean color) {
    this.sources = sources;
    this.color = color;
  }

  public String render(Diagnostic d) {
    StringBuilder sb = new StringBuilder();
    String sev = d.severity().text() + "[" + d.code().id() + "]";
    sb.append(d.span()).append(": ").append(paint(sev, d.isError() ? "1;31" : "1;33"))
        .append(": ").append(bold(d.message())).append('\n');

    record Mark(SourceSpan span, String label, boolean primary) {}
    List<Mark> marks = new ArrayList<>();
    marks.add(new Mark(d.span(), d.label(), true));
    for (Diagnostic.Related r : d.related()) {
      if (r.span().file().equals(d.span().file())) {
        marks.add(new Mark(r.span(), r.label(), false));
      }
    }
    marks.sort(Comparator.comparingInt((Mark m) -> m.span().line()).thenComparingInt(m -> m.span().column()));
    SourceFile file = d.span().isKnown() ? sources.apply(d.span().file()) : null;
    int width = String.valueOf(marks.stream().mapToInt(m -> m.span().line()).max().orElse(1)).length();
    String gutter = " ".repeat(width) + " |";
    if (file != null) {
      sb.append(paint(gutter, "1;34")).append('\n');
      int lastLine = -1;
      LineWindow window = null;
      for (Mark m : marks) {
        int line = m.span().line();
        String text = file.line(line);
        if (line != lastLine) {
          if (lastLine > 0 && line > lastLine + 1) {
            sb.append(paint(" ".repeat(width) + "...", "1;34")).append('\n');
          }
          window = LineWindow.around(text, m.span().column());
          sb.append(paint(String.format("%" + width + "d |", line), "1;34")).append(' ').append(window.shown(text))
              .append('\n');
          lastLine = line;
        }
        int start = Math.max(1, m.span().column());
        int end = m.span().endLine() == line ? m.span().endColumn() : text.length() + 1;
        int shownStart = window.column(start);
        int len = Math.max(1, Math.min(window.column(end), window.width() + 1) - shownStart);
        String underline = " ".repeat(shownStart - 1) + String.valueOf(m.primary() ? '^' : '-').repeat(len)
            + (m.label() == null ? "" : " " + m.label());
        sb.append(paint(gutter, "1;34")).append(' ')
            .append(paint(underline, m.primary() ? (d.isError() ? "1;31" : "1;33") : "1;34")).append('\n');
      }
    }
    for (Diagnostic.Related r : d.related()) {
      if (!r.span().file().equals(d.span().file())) {
        sb.append(paint(" ".repeat(width) + " = ", "1;34")).append("note: ").append(r.span()).append(": ")
            .append(r.label()).append('\n');
      }
    }
    for (String b : d.bindings()) {
      sb.append(paint(" ".repeat(width) + " = ", "1;34")).append("bindings: ").append(b).append('\n');
    }
    if (d.help() != null) {
      sb.append(paint(" ".repeat(width) + " = ", "1;34")).append("help: ").append(d.help()).append('\n');
    }
    return sb.toString();
  }

  /**
   * The part of a source line that is shown: all of it, or for a line longer than {@link #MAX}
   * characters (generated code, one huge expression) a window around the first mark, with `...`
   * where it is cut, so a diagnostic never prints a whole 80 KB line.
   */
  private record LineWindow(int from, int to, boolean cutStart, boolean cutEnd) {
    static final int MAX = 160;

    static LineWindow around(String text, int column) {
      if (text.length() <= MAX) {
        return new LineWindow(0, text.length(), false, false);
      }
      int from = Math.max(0, Math.min(column - 1 - MAX / 4, text.length() - MAX));
      return new LineWindow(from, from + MAX, from > 0, from + MAX < text.length());
    }

    String shown(String text) {
      return (cutStart ? "..." : "") + text.substring(from, to) + (cutEnd ? "..." : "");
    }

    /** Where 1-based source column {@code c} appears in the shown text (clamped to the window). */
    int column(int c) {
      int inWindow = Math.max(from + 1, Math.min(c, to + 1)) - from;
      return inWindow + (cutStart ? 3 : 0);
    }

    int width() {
      return to - from + (cutStart ? 3 : 0);
    }
  }

  private String bold(String s) {
    return paint(s, "1");
  }

  private String paint(String s, String ansi) {
    return color ? "\u001b[" + ansi + "m" + s + "\u001b[0m" : s;
  }
}
