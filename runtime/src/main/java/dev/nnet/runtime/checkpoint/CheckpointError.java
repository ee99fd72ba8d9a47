package dev.nnet.runtime.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint could not be saved or loaded: the file is missing, foreign, truncated, corrupt, from
 * a newer format, or the disk refused the write; or it is intact but belongs to another model or
 * holds NaN ({@link #of}). The message names the file and says what is wrong
 * and what to do; it renders as {@code path: message}, or {@code path: byte N: message} when the
 * problem is at a known offset.
 */
public final class CheckpointError extends RuntimeException {
  private final Path file;
  private final long byteOffset;
  private final String problem;

  CheckpointError(Path file, String problem) {
    this(file, -1, problem, null);
  }

  CheckpointError(Path file, String problem, Throwable cause) {
    this(file, -1, problem, cause);
  }

  CheckpointError(Path file, long byteOffset, String problem, Throwable cause) {
    super(file + (byteOffset >= 0 ? ": byte " + byteOffset : "") + ": " + problem, cause);
    this.file = file;
    this.byteOffset = byteOffset;
    this.problem = problem;
  }

  /**
   * A checkpoint that reads back intact but does not fit what loads it: another model, another
   * shape of a parameter, weights of a diverged run. {@code problem} says what and what to do.
   */
  public static CheckpointError of(Path file, String problem) {
    return new CheckpointError(file, problem);
  }

  /** The checkpoint file. */
  public Path file() {
    return file;
  }

  /** The 0-based byte offset of the problem, or -1 when it concerns the file as a whole. */
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
}
