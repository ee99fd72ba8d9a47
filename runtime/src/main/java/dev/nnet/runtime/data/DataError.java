package dev.nnet.runtime.data;

import java.nio.file.Path;

/**
 * A data file could not be read: it is missing, malformed, truncated, or its contents do not fit
 * what was asked for. The message is plain English, says what is wrong and how to fix it, and is
 * prefixed with where the problem is:
 *
 * <ul>
 *   <li>{@code path:line:col: message} for text files (line and column are 1-based);
 *   <li>{@code path:line: message} when only the line is known;
 *   <li>{@code path: byte N: message} for binary files (N is a 0-based byte offset);
 *   <li>{@code path: message} when the problem concerns the file as a whole.
 * </ul>
 *
 * <p>Callers print {@link #getMessage()} as is; it never needs a stack trace to be understood.
 */
public final class DataError extends RuntimeException {
  private final Path file;
  private final int line;
  private final int column;
  private final long byteOffset;
  private final String problem;

  private DataError(Path file, int line, int column, long byteOffset, String problem, Throwable cause) {
    super(render(file, line, column, byteOffset, problem), cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.byteOffset = byteOffset;
    this.problem = problem;
  }

  /** A problem at a line and column of a text file; pass 0 for an unknown column. */
  public static DataError at(Path file, int line, int column, String problem) {
    return new DataError(file, line, column, -1, problem, null);
  }

  /** A problem at a byte offset of a binary file. */
  public static DataError atByte(Path file, long byteOffset, String problem) {
    return new DataError(file, 0, 0, byteOffset, problem, null);
  }

  /** A problem with the file as a whole (missing, unreadable, empty). */
  public static DataError inFile(Path file, String problem) {
    return new DataError(file, 0, 0, -1, problem, null);
  }

  /** Like {@link #inFile(Path, String)}, keeping the I/O exception that caused it for debugging. */
  public static DataError inFile(Path file, String problem, Throwable cause) {
    return new DataError(file, 0, 0, -1, problem, cause);
  }

  /** The file the problem is in. */
  public Path file() {
    return file;
  }

  /** The 1-based line, or 0 when not a text position. */
  public int line() {
    return line;
  }

  /** The 1-based column, or 0 when unknown. */
  public int column() {
    return column;
  }

  /** The 0-based byte offset in a binary file, or -1 when not a binary position. */
  public long byteOffset() {
    return byteOffset;
  }

  /** The message without the location prefix. */
  public String problem() {
    return problem;
  }

  /** The same text as {@link #getMessage()}, without the exception class name. */
  @Override
  public String toString() {
    return getMessage();
  }

  private static String render(Path file, int line, int column, long byteOffset, String problem) {
    StringBuilder sb = new StringBuilder(String.valueOf(file));
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    } else if (byteOffset >= 0) {
      sb.append(": byte ").append(byteOffset);
    }
    return sb.append(": ").append(problem).toString();
  }
}
