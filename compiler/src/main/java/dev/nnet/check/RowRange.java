package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.SourceSpan;

/**
 * One {@code [from..to]} applied to the rows of a data part in a split, such as the {@code [1500..]}
 * of {@code rows[1500..]}. The part's row count is unknown until its file is read, so a range stays
 * as written (a negative bound counts from the end, a missing one is the start or the end) and is
 * resolved at load time, where an out-of-range bound is reported at {@code span}.
 */
public record RowRange(Long from, Long to, SourceSpan span) {
  /**
   * The rows {@code [first, end)} of a part of {@code size} rows (here, after earlier ranges) that
   * this range selects.
   *
   * @throws DataLoadError if the range does not fit
   */
  long[] resolve(String part, long size) throws DataLoadError {
    long f = from == null ? 0 : from < 0 ? from + size : from;
    long t = to == null ? size : to < 0 ? to + size : to;
    if (f > t && f >= 0 && t <= size) {
      throw new DataLoadError(Diagnostic.error(ErrorCode.DATA_FIELD, span, "rows " + f + ".." + t
          + " are reversed: counted from the end of `" + part + "` (" + size + " rows here), the range ends before it starts"));
    }
    if (f < 0 || t > size) {
      throw new DataLoadError(Diagnostic.error(ErrorCode.DATA_FIELD, span, "rows " + f + ".." + t
          + " are out of range: `" + part + "` has " + size + " rows here"));
    }
    return new long[] {f, t};
  }

  /** Whether the range is reversed whatever the row count: both bounds from the same end, in the wrong order. */
  boolean reversed() {
    return from != null && to != null && (from < 0) == (to < 0) && from > to;
  }

  /** Whether the range is empty whatever the row count: both bounds the same. */
  boolean empty() {
    return from != null && from.equals(to);
  }
}
