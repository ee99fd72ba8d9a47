package dev.nnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  /** The bytes of an IDX file: magic, big-endian dims, then {@code data} as given. */
  static byte[] idx(int typeCode, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  DataError failure(Path file) {
    return assertThrows(DataError.class, () -> IdxReader.read(file));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void readsU8ImagesPlainAndGzipped(boolean gz) throws IOException {
    byte[] pixels = new byte[2 * 3 * 2];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 20); // passes 127, so unsigned decoding is exercised
    }
    byte[] file = idx(0x08, new int[] {2, 3, 2}, pixels);
    // The name never says .gz: gzip is detected by its magic bytes.
    Tensor t = IdxReader.read(write("images", gz ? gzip(file) : file));
    assertEquals(DType.F32, t.dtype());
    assertArrayEquals(new int[] {2, 3, 2}, t.shape());
    for (int i = 0; i < pixels.length; i++) {
      assertEquals(i * 20, t.floats()[i]);
    }
  }

  @Test
  void readsU8LabelsAsLongs() throws IOException {
    Path file = write("labels.gz", gzip(idx(0x08, new int[] {4}, new byte[] {7, 0, 9, (byte) 200})));
    Tensor t = IdxReader.readLongs(file);
    assertEquals(DType.I64, t.dtype());
    assertArrayEquals(new long[] {7, 0, 9, 200}, t.longs());
  }

  @Test
  void readsEverySignedAndFloatingType() throws IOException {
    assertArrayEquals(new float[] {-1, 5}, IdxReader.read(write("i8", idx(0x09, new int[] {2}, new byte[] {-1, 5}))).floats());
    ByteBuffer i16 = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 7);
    assertArrayEquals(new long[] {-300, 7}, IdxReader.readLongs(write("i16", idx(0x0B, new int[] {2}, i16.array()))).longs());
    ByteBuffer i32 = ByteBuffer.allocate(8).putInt(-70000).putInt(123456);
    assertArrayEquals(new float[] {-70000, 123456}, IdxReader.read(write("i32", idx(0x0C, new int[] {1, 2}, i32.array()))).floats());
    ByteBuffer f32 = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-0.25f);
    assertArrayEquals(new float[] {1.5f, -0.25f}, IdxReader.read(write("f32", idx(0x0D, new int[] {2}, f32.array()))).floats());
    ByteBuffer f64 = ByteBuffer.allocate(16).putDouble(3.25).putDouble(1e-3);
    assertArrayEquals(new float[] {3.25f, 1e-3f}, IdxReader.read(write("f64", idx(0x0E, new int[] {2, 1}, f64.array()))).floats());
  }

  @Test
  void readsTheHeaderAlone() throws IOException {
    IdxReader.Header h = IdxReader.readHeader(write("h", gzip(idx(0x08, new int[] {3, 2}, new byte[6]))));
    assertEquals(IdxType.U8, h.type());
    assertArrayEquals(new int[] {3, 2}, h.dims());
    assertEquals("shape [3, 2] of u8", h.toString());
  }

  @Test
  void floatingValuesAreNotLabels() throws IOException {
    Path file = write("f", idx(0x0D, new int[] {1}, new byte[4]));
    DataError e = assertThrows(DataError.class, () -> IdxReader.readLongs(file));
    assertEquals(file + ": holds f32 values, but integer labels (i64) were asked for; label files use type u8 "
        + "(magic 00 00 08 01). Read this file as f32 instead", e.getMessage());
  }

  @Test
  void missingFile() {
    DataError e = failure(dir.resolve("nope.idx"));
    assertTrue(e.getMessage().startsWith(dir.resolve("nope.idx") + ": file not found; check the path"), e.getMessage());
  }

  @Test
  void directoryInsteadOfFile() {
    assertEquals(dir + ": is a directory; expected a data file inside it", failure(dir).getMessage());
  }

  @Test
  void emptyFile() throws IOException {
    Path file = write("empty", new byte[0]);
    assertEquals(file + ": file is empty; expected an IDX file", failure(file).getMessage());
  }

  @Test
  void wrongMagic() throws IOException {
    Path file = write("csv", "1,2,3\n".getBytes());
    DataError e = failure(file);
    assertEquals(0, e.byteOffset());
    assertTrue(e.getMessage().startsWith(file + ": byte 0: not an IDX file: it starts with 31 2C 32 2C, but IDX files start with 00 00"), e.getMessage());
  }

  @Test
  void zipArchiveGetsAHint() throws IOException {
    Path file = write("mnist.zip", new byte[] {'P', 'K', 3, 4, 0, 0});
    assertTrue(failure(file).getMessage().endsWith("This is a zip archive: extract it and point at the IDX file inside."));
  }

  @Test
  void unknownTypeCode() throws IOException {
    Path file = write("t", idx(0x07, new int[] {1}, new byte[1]));
    DataError e = failure(file);
    assertEquals(2, e.byteOffset());
    assertTrue(e.getMessage().startsWith(file + ": byte 2: unknown IDX element type code 0x07;"), e.getMessage());
  }

  @Test
  void headerCutShort() throws IOException {
    Path file = write("h", Arrays.copyOf(idx(0x08, new int[] {2, 3}, new byte[0]), 9));
    DataError e = failure(file);
    assertEquals(file + ": byte 9: the header declares 2 dimensions but the data ends at byte 9, before all 2 sizes "
        + "are given; the file is truncated", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void truncatedData(boolean gz) throws IOException {
    byte[] full = idx(0x08, new int[] {3, 4}, new byte[12]);
    byte[] cut = Arrays.copyOf(full, full.length - 5);
    Path file = write("cut", gz ? gzip(cut) : cut);
    DataError e = failure(file);
    assertEquals(12 + 7, e.byteOffset());
    assertEquals(file + ": byte 19: the file is truncated: the header (shape [3, 4] of u8) promises 12 bytes of data, "
        + "but only 7 follow it" + (gz ? " after decompression" : "")
        + "; the download or copy was probably interrupted, so fetch the file again", e.getMessage());
  }

  @Test
  void truncatedGzipStream() throws IOException {
    byte[] compressed = gzip(idx(0x08, new int[] {100}, new byte[100]));
    Path file = write("cut.gz", Arrays.copyOf(compressed, compressed.length - 12));
    assertTrue(failure(file).getMessage().contains("the gzip stream ends early, so the file is truncated"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void trailingGarbage(boolean gz) throws IOException {
    byte[] good = idx(0x08, new int[] {2}, new byte[] {1, 2});
    byte[] bad = Arrays.copyOf(good, good.length + 3);
    Path file = write("t", gz ? gzip(bad) : bad);
    DataError e = failure(file);
    assertEquals(8 + 2, e.byteOffset());
    assertTrue(e.getMessage().contains(": byte 10: 3 unexpected bytes after the data"), e.getMessage());
    assertTrue(e.getMessage().contains("accounts for 2 bytes of data"), e.getMessage());
  }

  @Test
  void absurdDimensions() throws IOException {
    Path huge = write("huge", idx(0x08, new int[] {60000, 60000, 60000}, new byte[10]));
    DataError e = failure(huge);
    assertTrue(e.getMessage().contains("the header declares shape [60000, 60000, 60000] of u8, more than"), e.getMessage());
    assertTrue(e.getMessage().contains("the header is probably corrupt"), e.getMessage());

    Path negative = write("neg", idx(0x08, new int[] {5, -1}, new byte[10]));
    DataError e2 = failure(negative);
    assertEquals(8, e2.byteOffset());
    assertTrue(e2.getMessage().contains("dimension 1 is 4294967295, larger than any real data set"), e2.getMessage());
  }

  @Test
  void gzipHeaderThatLiesAboutSizeFailsWithoutAllocatingIt() throws IOException {
    // 1.9 GB promised, 10 bytes present: must fail as truncated, quickly, without an OutOfMemoryError.
    Path file = write("lie.gz", gzip(idx(0x08, new int[] {1900, 1000, 1000}, new byte[10])));
    assertTrue(failure(file).getMessage().contains("promises 1900000000 bytes of data, but only 10 follow it"));
  }

  @Test
  void readsRealFashionMnistWhenInstalled() {
    Path images = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
    Path labels = Path.of("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz");
    assumeTrue(Files.isReadable(images) && Files.isReadable(labels),
        "Fashion-MNIST is not installed at /usr/share/datasets/fashion-mnist; skipping the real-data check");
    Tensor x = IdxReader.read(images);
    assertArrayEquals(new int[] {60000, 28, 28}, x.shape());
    float max = 0;
    for (float v : x.floats()) {
      max = Math.max(max, v);
    }
    assertEquals(255f, max);
    Tensor y = IdxReader.readLongs(labels);
    assertArrayEquals(new int[] {60000}, y.shape());
    long[] perClass = new long[10];
    for (long label : y.longs()) {
      perClass[(int) label]++;
    }
    long[] expected = new long[10];
    Arrays.fill(expected, 6000);
    assertArrayEquals(expected, perClass);
  }
}
