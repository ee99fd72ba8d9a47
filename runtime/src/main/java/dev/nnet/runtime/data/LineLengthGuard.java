package dev.nnet.runtime.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * The characters of a text data file, failing with a {@link DataError} when a line grows longer
 * than {@link CsvReader#MAX_LINE}, before {@code BufferedReader.readLine} would gather it into one
 * string: a file without line breaks ({@code /dev/zero}, a binary file) stops at once.
 */
final class LineLengthGuard extends FilterReader {
  private final Path file;
  private int line = 1;
  private long sinceBreak;

  LineLengthGuard(Reader in, Path file) {
    super(in);
    this.file = file;
  }

  @Override
  public int read() throws IOException {
    int c = super.read();
    if (c >= 0) {
      see((char) c);
    }
    return c;
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    for (int i = 0; i < n; i++) {
      see(buf[off + i]);
    }
    return n;
  }

  private void see(char c) {
    if (c == '\n') {
      line++;
      sinceBreak = 0;
    } else if (++sinceBreak > CsvReader.MAX_LINE) {
      throw DataError.at(file, line, 1, "line " + line + " is longer than " + String.format("%,d", CsvReader.MAX_LINE)
          + " characters without a line break: this is not a CSV file of numbers (a binary file, or one that never ends?)");
    }
  }
}
