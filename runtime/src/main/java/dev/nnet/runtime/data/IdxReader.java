package dev.nnet.runtime.data;

import dev.nnet.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads IDX files, the format of MNIST, Fashion-MNIST, EMNIST and KMNIST, plain or gzipped (gzip is
 * recognised by its magic bytes, not by the file name).
 *
 * <p>The format: two zero bytes, a type code ({@link IdxType}), the number of dimensions {@code n},
 * then {@code n} big-endian unsigned 32-bit sizes, then the elements in row-major order, big-endian.
 * MNIST images start {@code 00 00 08 03} (u8, three dimensions), labels {@code 00 00 08 01}.
 *
 * <p>Every problem (missing file, wrong magic, truncated data, trailing bytes, impossible sizes) is
 * reported as a {@link DataError} that names the file and the byte offset. For a gzipped file the
 * offsets count bytes of the decompressed data.
 */
public final class IdxReader {
  /**
   * The largest data block read, in bytes. Java arrays are indexed by int; a header that asks for
   * more is almost certainly corrupt.
   */
  static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

  /** An IDX header: the element type and the dimensions. */
  public record Header(IdxType type, int[] dims) {
    /** Number of elements the header promises. */
    public long elements() {
      return Tensor.numel(dims);
    }

    /** Bytes of data the header promises. */
    public long dataBytes() {
      return elements() * type.bytes();
    }

    /** Bytes taken by the header itself. */
    public int headerBytes() {
      return 4 + 4 * dims.length;
    }

    @Override
    public String toString() {
      return "shape " + Arrays.toString(dims) + " of " + type;
    }
  }

  private IdxReader() {}

  /** Reads only the header of {@code file}: its element type and shape. */
  public static Header readHeader(Path file) {
    boolean gzip = openCheck(file);
    try (InputStream in = DataFileInput.open(file)) {
      return parseHeader(file, in, gzip);
    } catch (IOException e) {
      throw DataFileInput.failure(file, e, gzip);
    }
  }

  /**
   * Reads {@code file} as an f32 tensor with the header's shape. Integer values are converted exactly
   * (u8 pixels become 0..255); f64 values are rounded to f32.
   */
  public static Tensor read(Path file) {
    Raw raw = readRaw(file);
    return Tensor.of(toFloats(raw), raw.header.dims());
  }

  /**
   * Reads {@code file} as an i64 tensor, the dtype of class labels. Only integer element types (u8,
   * i8, i16, i32) are accepted.
   */
  public static Tensor readLongs(Path file) {
    Header header = readHeader(file);
    if (!header.type().isInteger()) {
      throw DataError.inFile(
          file,
          "holds "
              + header.type()
              + " values, but integer labels (i64) were asked for; label files use type u8 (magic 00 00 08 01). "
              + "Read this file as f32 instead");
    }
    Raw raw = readRaw(file);
    return Tensor.ofLongs(toLongs(raw), raw.header.dims());
  }

  private record Raw(Header header, byte[] data) {}

  private static boolean openCheck(Path file) {
    DataFileInput.checkReadable(file);
    return DataFileInput.isGzip(file);
  }

  private static Raw readRaw(Path file) {
    boolean gzip = openCheck(file);
    try (InputStream in = DataFileInput.open(file)) {
      Header header = parseHeader(file, in, gzip);
      long expected = header.dataBytes();
      if (!gzip) {
        // For a plain file the size is known up front, so a bad header fails before any allocation.
        long found = Files.size(file) - header.headerBytes();
        if (found < expected) {
          throw truncated(file, header, found, gzip);
        }
        if (found > expected) {
          throw trailing(file, header, found - expected, gzip);
        }
      }
      // readNBytes(int) grows its buffer as data arrives, so a gzip file that lies about its size
      // cannot make us allocate more than it really contains.
      byte[] data = in.readNBytes((int) expected);
      if (data.length < expected) {
        throw truncated(file, header, data.length, gzip);
      }
      long extra = in.transferTo(OutputStream.nullOutputStream());
      if (extra > 0) {
        throw trailing(file, header, extra, gzip);
      }
      return new Raw(header, data);
    } catch (IOException e) {
      throw DataFileInput.failure(file, e, gzip);
    }
  }

  private static Header parseHeader(Path file, InputStream in, boolean gzip) throws IOException {
    String decompressed = gzip ? " (after decompression)" : "";
    byte[] magic = in.readNBytes(4);
    if (magic.length == 0) {
      throw DataError.inFile(file, "file is empty" + decompressed + "; expected an IDX file");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw DataError.atByte(file, 0, "not an IDX file: " + describeForeignStart(magic) + decompressed);
    }
    if (magic.length < 4) {
      throw DataError.atByte(
          file, magic.length, "file ends after " + magic.length + " bytes" + decompressed + ", inside the 4-byte IDX magic number");
    }
    IdxType type = IdxType.fromCode(magic[2] & 0xFF);
    if (type == null) {
      throw DataError.atByte(
          file,
          2,
          String.format(
              "unknown IDX element type code 0x%02X; the format defines 08 (u8), 09 (i8), 0B (i16), 0C (i32), "
                  + "0D (f32) and 0E (f64). The file is corrupt or not an IDX file",
              magic[2] & 0xFF));
    }
    int rank = magic[3] & 0xFF;
    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw DataError.atByte(
          file,
          4 + dimBytes.length,
          "the header declares " + rank + " dimensions but the data" + decompressed + " ends at byte "
              + (4 + dimBytes.length) + ", before all " + rank + " sizes are given; the file is truncated");
    }
    ByteBuffer buf = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      long d = Integer.toUnsignedLong(buf.getInt());
      if (d > Integer.MAX_VALUE) {
        throw DataError.atByte(
            file,
            4 + 4L * i,
            "dimension " + i + " is " + d + ", larger than any real data set; the header is corrupt");
      }
      dims[i] = (int) d;
    }
    Header header = new Header(type, dims);
    if (!fits(dims, type.bytes())) {
      throw DataError.atByte(
          file,
          4,
          "the header declares " + header + ", more than the " + MAX_DATA_BYTES
              + " bytes one IDX file can hold here; the header is probably corrupt (or split the data into several files)");
    }
    return header;
  }

  /** Whether the data block of this shape fits in one Java array, without overflowing on the way. */
  private static boolean fits(int[] dims, int elementBytes) {
    long bytes = elementBytes;
    for (int d : dims) {
      if (d != 0 && bytes > MAX_DATA_BYTES / d) {
        return false;
      }
      bytes *= d;
    }
    return true;
  }

  private static String describeForeignStart(byte[] start) {
    StringBuilder hex = new StringBuilder();
    for (byte b : start) {
      hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
    }
    String hint = "";
    if ((start[0] & 0xFF) == 'P' && (start[1] & 0xFF) == 'K') {
      hint = " This is a zip archive: extract it and point at the IDX file inside.";
    } else if ((start[0] & 0xFF) == 0x1f && (start[1] & 0xFF) == 0x8b) {
      hint = " The data is gzipped twice: decompress it once with gunzip.";
    }
    return "it starts with " + hex + ", but IDX files start with 00 00, a type code and the number of dimensions "
        + "(MNIST images: 00 00 08 03, labels: 00 00 08 01)." + hint;
  }

  private static DataError truncated(Path file, Header header, long found, boolean gzip) {
    return DataError.atByte(
        file,
        header.headerBytes() + found,
        "the file is truncated: the header (" + header + ") promises " + header.dataBytes()
            + " bytes of data, but only " + found + " follow it" + (gzip ? " after decompression" : "")
            + "; the download or copy was probably interrupted, so fetch the file again");
  }

  private static DataError trailing(Path file, Header header, long extra, boolean gzip) {
    return DataError.atByte(
        file,
        header.headerBytes() + header.dataBytes(),
        extra + " unexpected bytes after the data" + (gzip ? " (after decompression)" : "")
            + ": the header (" + header + ") accounts for " + header.dataBytes()
            + " bytes of data. Either the header's sizes are wrong or two files were joined together");
  }

  private static float[] toFloats(Raw raw) {
    byte[] b = raw.data;
    int n = Math.toIntExact(raw.header.elements());
    float[] out = new float[n];
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
    switch (raw.header.type()) {
      case U8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b[i] & 0xFF;
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b[i];
        }
      }
      case I16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getShort(2 * i);
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getInt(4 * i);
        }
      }
      case F32 -> buf.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) buf.getDouble(8 * i);
        }
      }
    }
    return out;
  }

  private static long[] toLongs(Raw raw) {
    byte[] b = raw.data;
    int n = Math.toIntExact(raw.header.elements());
    long[] out = new long[n];
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
    switch (raw.header.type()) {
      case U8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b[i] & 0xFF;
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b[i];
        }
      }
      case I16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getShort(2 * i);
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = buf.getInt(4 * i);
        }
      }
      default -> throw new IllegalStateException("not an integer type: " + raw.header.type());
    }
    return out;
  }
}
