package dev.nnet.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A gzip stream that rejects bytes after its last member. {@link GZIPInputStream} reads
 * concatenated members, but silently ends at anything after a member that is not another gzip
 * header: a file with garbage appended (a botched download, two files glued together) would read
 * as if nothing were wrong.
 */
final class StrictGzipInput extends GZIPInputStream {
  /** A member ends with an 8-byte trailer (CRC-32 and size), which the inflater leaves unread. */
  private static final int TRAILER = 8;

  private final Path file;
  private boolean checked;

  StrictGzipInput(InputStream in, Path file, int buffer) throws IOException {
    super(in, buffer);
    this.file = file;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n < 0 && !checked) {
      checked = true;
      // At the end, the inflater still holds what followed the last member's compressed data:
      // exactly the trailer when the file ends there, more when something follows it.
      if (inf.getRemaining() > TRAILER || in.available() > 0) {
        throw DataError.inFile(file, "has bytes after the end of its gzip data (something appended to the file, or a damaged "
            + "download); download or copy it again, or cut it at the end of the gzip stream");
      }
    }
    return n;
  }
}
