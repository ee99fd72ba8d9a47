package dev.nnet.runtime.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The bytes of a data file (after decompression), failing with a {@link DataError} once more than a
 * limit have been read: a file that never ends ({@code /dev/zero}, a pipe) or a gzip bomb stops
 * with a message instead of filling the heap until an {@code OutOfMemoryError}.
 */
final class BoundedInput extends FilterInputStream {
  /** The system property that overrides the limit, in bytes. */
  static final String LIMIT_PROPERTY = "nnet.data.maxBytes";

  private final Path file;
  private final long limit;
  private final boolean gzip;
  private long read;

  BoundedInput(InputStream in, Path file, long limit, boolean gzip) {
    super(in);
    this.file = file;
    this.limit = limit;
    this.gzip = gzip;
  }

  /**
   * The most bytes one data file may hold (decompressed): {@value #LIMIT_PROPERTY} if set, else a
   * quarter of the maximum heap, since the parsed values and the text being parsed share the heap.
   */
  static long limit() {
    String set = System.getProperty(LIMIT_PROPERTY);
    if (set != null) {
      try {
        return Math.max(1, Long.parseLong(set.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + "=" + set + " is not a number of bytes");
      }
    }
    return Runtime.getRuntime().maxMemory() / 4;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long n) {
    read += n;
    if (read > limit) {
      throw DataError.inFile(file, (gzip ? "decompresses to" : "holds") + " more than " + String.format("%,d", limit)
          + " bytes, the limit for one data file (a quarter of the Java heap); a file that never ends"
          + (gzip ? " or a gzip bomb" : "") + "? If the data really is that large, give Java more memory (-Xmx) or set -D"
          + LIMIT_PROPERTY + "=BYTES");
    }
  }
}
