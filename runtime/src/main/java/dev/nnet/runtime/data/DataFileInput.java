package dev.nnet.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Opens data files for reading, decompressing gzip transparently, and turns I/O failures into
 * {@link DataError}s a user can act on. Gzip is recognised by its magic bytes {@code 1f 8b}, not by
 * the file name, so a renamed file still reads.
 */
final class DataFileInput {
  private static final int BUFFER = 1 << 16;

  private DataFileInput() {}

  /** Whether {@code file} starts with the gzip magic bytes. */
  static boolean isGzip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    } catch (IOException e) {
      throw failure(file, e, false);
    }
  }

  /**
   * A buffered stream over the (decompressed) contents of {@code file}, which fails with a {@link
   * DataError} past {@link BoundedInput#limit()} bytes and, for gzip, at bytes after the gzip data.
   */
  static InputStream open(Path file) {
    checkReadable(file);
    boolean gzip = isGzip(file);
    try {
      InputStream raw = Files.newInputStream(file);
      InputStream data = gzip ? new StrictGzipInput(raw, file, BUFFER) : raw;
      return new BufferedInputStream(new BoundedInput(data, file, BoundedInput.limit(), gzip), BUFFER);
    } catch (IOException e) {
      throw failure(file, e, gzip);
    }
  }

  /** Fails with a clear message unless {@code file} exists, is a regular file and is readable. */
  static void checkReadable(Path file) {
    if (Files.isDirectory(file)) {
      throw DataError.inFile(file, "is a directory; expected a data file inside it");
    }
    if (!Files.exists(file)) {
      // Say how the path was really resolved: callers resolve a source against its .nnet file.
      throw DataError.inFile(file, "file not found; check the path" + (file.isAbsolute() ? ""
          : " (a relative path, resolved against the working directory " + Path.of("").toAbsolutePath() + ")"));
    }
    if (!Files.isReadable(file)) {
      throw DataError.inFile(file, "permission denied; make the file readable by this user");
    }
  }

  /** Translates an I/O failure while reading {@code file} into a located, actionable error. */
  static DataError failure(Path file, IOException e, boolean gzip) {
    if (e instanceof NoSuchFileException) {
      return DataError.inFile(file, "file not found; check the path", e);
    }
    if (e instanceof AccessDeniedException) {
      return DataError.inFile(file, "permission denied; make the file readable by this user", e);
    }
    if (gzip && e instanceof EOFException) {
      return DataError.inFile(file, "the gzip stream ends early, so the file is truncated; download or copy it again", e);
    }
    if (gzip && e instanceof ZipException) {
      return DataError.inFile(
          file, "the gzip data is corrupt (" + e.getMessage() + "); download or copy the file again", e);
    }
    return DataError.inFile(file, "could not be read: " + e, e);
  }
}
