package dev.nnet.check;

import dev.nnet.driver.Compiler;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values the checker computed for the source spans of one file: every evaluated expression, the
 * bound parameters of each traced function, layer fields and hyperparameters, and {@code let}s.
 * An editor asks it for the type under the cursor (hover) or after a pipeline stage (inlay hints),
 * so the only shape rules stay those the tracer runs.
 *
 * <p>Recording is off unless asked for ({@code Compiler.Options.recordTypes()}) so that plain
 * checks stay cheap. A span traced more than once (a layer called twice with different shapes)
 * keeps each distinct value, in the order met. Only spans in the checked file are kept, and only
 * from checking and from the training-mode trace of {@code train} blocks and their data.
 */
public final class TypeIndex {
  /** The index of a check that did not record. */
  public static final TypeIndex EMPTY = new TypeIndex(null);

  private final String file;
  private final Map<SourceSpan, List<TracedValue>> values = new LinkedHashMap<>();

  private TypeIndex(String file) {
    this.file = file;
  }

  /** An empty index that records spans of {@code file} only. */
  static TypeIndex recording(String file) {
    return new TypeIndex(file);
  }

  void record(SourceSpan span, Val v) {
    if (file == null || span == null || !span.isKnown() || !file.equals(span.file())) {
      return;
    }
    List<TracedValue> list = values.computeIfAbsent(span, s -> new ArrayList<>(1));
    TracedValue t = TracedValue.of(v);
    if (list.stream().noneMatch(x -> x.description().equals(t.description()) && x.layer() == t.layer())) {
      list.add(t);
    }
  }

  /** The values recorded for exactly {@code span}; empty if it was never traced. */
  public List<TracedValue> at(SourceSpan span) {
    return Collections.unmodifiableList(values.getOrDefault(span, List.of()));
  }

  /**
   * The innermost recorded span that contains the 1-based {@code line} and {@code column} (a
   * position just after the last character counts as inside), or null.
   */
  public SourceSpan innermost(int line, int column) {
    SourceSpan best = null;
    for (SourceSpan s : values.keySet()) {
      if (contains(s, line, column) && (best == null || contains(best, s))) {
        best = s;
      }
    }
    return best;
  }

  /** Every recorded span, in the order first traced. */
  public List<SourceSpan> spans() {
    return List.copyOf(values.keySet());
  }

  static boolean contains(SourceSpan s, int line, int column) {
    boolean afterStart = line > s.line() || (line == s.line() && column >= s.column());
    boolean beforeEnd = line < s.endLine() || (line == s.endLine() && column <= s.endColumn());
    return afterStart && beforeEnd;
  }

  private static boolean contains(SourceSpan outer, SourceSpan inner) {
    return contains(outer, inner.line(), inner.column()) && contains(outer, inner.endLine(), inner.endColumn());
  }
}
