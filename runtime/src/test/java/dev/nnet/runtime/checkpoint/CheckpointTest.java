package dev.nnet.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  static Checkpoint sample() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    float[] big = new float[100_009]; // spans several 64 KiB chunks, and not a multiple of one
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.sin(i) * 1e3f;
    }
    big[7] = Float.NaN;
    big[8] = Float.NEGATIVE_INFINITY;
    tensors.put("fc1.weight", Tensor.of(big, 7, 14_287, 1));
    tensors.put("step", Tensor.ofLongs(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 2, 2));
    tensors.put("mask", Tensor.ofBool(new float[] {1, 0, 0, 1, 1, 0}, 2, 3));
    tensors.put("scale", Tensor.scalar(0.5f));
    tensors.put("empty", Tensor.zeros(DType.F32, 0, 3));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", "Mlp");
    meta.put("epoch", "7");
    meta.put("note", "Größe ✓");
    return new Checkpoint(tensors, meta);
  }

  static void assertSameContents(Checkpoint expected, Checkpoint actual) {
    assertEquals(List.copyOf(expected.metadata().entrySet()), List.copyOf(actual.metadata().entrySet()));
    assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(actual.tensors().keySet()));
    for (String name : expected.tensors().keySet()) {
      Tensor e = expected.tensor(name);
      Tensor a = actual.tensor(name);
      assertEquals(e.dtype(), a.dtype(), name);
      assertArrayEquals(e.shape(), a.shape(), name);
      if (e.dtype() == DType.I64) {
        assertArrayEquals(e.longs(), a.longs(), name);
      } else {
        assertArrayEquals(e.floats(), a.floats(), name); // compares bit patterns, so NaN == NaN
      }
    }
  }

  List<Path> filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.sorted().toList();
    }
  }

  CheckpointError loadFailure(Path file) {
    return assertThrows(CheckpointError.class, () -> Checkpoint.load(file));
  }

  Path saved() {
    Path file = dir.resolve("model.ckpt");
    sample().save(file);
    return file;
  }

  @Test
  void roundTripsEveryDtypeShapeAndMetadataInOrder() throws IOException {
    Path file = dir.resolve("runs/mlp/last.ckpt"); // parent directories are created
    Checkpoint original = sample();
    original.save(file);
    assertSameContents(original, Checkpoint.load(file));
    assertEquals(List.of(file), filesIn(file.getParent())); // no temp file left behind
  }

  @Test
  void tempFilesOfInterruptedSavesAreRemovedAndNothingElse() throws IOException {
    Path file = dir.resolve("run/checkpoint.nnetckpt");
    Checkpoint ckpt = new Checkpoint(Map.of("w", Tensor.of(new float[] {1, 2}, 2)), Map.of("epoch", "1"));
    ckpt.save(file);
    // What a process killed between creating its temp file and renaming it leaves behind.
    Files.writeString(dir.resolve("run/.checkpoint.nnetckpt.123456.tmp"), "half a checkpoint");
    Files.writeString(dir.resolve("run/.checkpoint.nnetckpt.987.tmp"), "");
    Files.writeString(dir.resolve("run/.other.nnetckpt.1.tmp"), "another checkpoint's temp file");
    Files.writeString(dir.resolve("run/notes.tmp"), "not ours");
    assertEquals(2, Checkpoint.removeInterruptedSaves(file));
    try (Stream<Path> left = Files.list(dir.resolve("run"))) {
      assertEquals(List.of(".other.nnetckpt.1.tmp", "checkpoint.nnetckpt", "notes.tmp"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertSameContents(ckpt, Checkpoint.load(file));
    assertEquals(0, Checkpoint.removeInterruptedSaves(dir.resolve("absent/checkpoint.nnetckpt")));
  }

  @Test
  void aCheckpointHasThePermissionsOfAnyNewFileNotOwnerOnly() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "needs a POSIX file system to read permissions");
    Path plain = Files.writeString(dir.resolve("plain.txt"), "written as the umask says");
    Path file = saved();
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
  }

  @Test
  void saveReplacesAnExistingCheckpoint() {
    Path file = saved();
    Checkpoint next = new Checkpoint(Map.of("w", Tensor.scalar(2)), Map.of("epoch", "8"));
    next.save(file);
    assertSameContents(next, Checkpoint.load(file));
  }

  @Test
  void fileMatchesTheDocumentedFormat() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("w", Tensor.of(new float[] {1.5f, -2f}, 2));
    tensors.put("n", Tensor.ofLongs(new long[] {3}, 1, 1));
    tensors.put("b", Tensor.ofBool(new float[] {1}));
    Path file = dir.resolve("tiny.ckpt");
    new Checkpoint(tensors, Map.of("k", "v")).save(file);

    ByteBuffer payload = ByteBuffer.allocate(200);
    payload.putInt(1).putInt(1).put((byte) 'k').putInt(1).put((byte) 'v');
    payload.putInt(3);
    payload.putInt(1).put((byte) 'w').put((byte) 0).put((byte) 1).putInt(2).putFloat(1.5f).putFloat(-2f);
    payload.putInt(1).put((byte) 'n').put((byte) 1).put((byte) 2).putInt(1).putInt(1).putLong(3);
    payload.putInt(1).put((byte) 'b').put((byte) 2).put((byte) 0).put((byte) 1);
    byte[] body = Arrays.copyOf(payload.array(), payload.position());
    CRC32 crc = new CRC32();
    crc.update(body);
    ByteBuffer expected = ByteBuffer.allocate(24 + body.length);
    expected.put("NNETCKPT".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(body.length).putInt((int) crc.getValue()).put(body);
    assertArrayEquals(expected.array(), Files.readAllBytes(file));
  }

  @Test
  void aCorruptByteIsDetected() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    CheckpointError e = loadFailure(file);
    assertTrue(e.getMessage().startsWith(file + ": checksum mismatch (stored "), e.getMessage());
    assertTrue(e.getMessage().endsWith("the file is corrupt (damaged on disk or in transfer, or edited); use an earlier checkpoint"));
  }

  @Test
  void aTruncatedFileIsDetected() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000));
    long payload = bytes.length - 24;
    assertEquals(file + ": truncated: the header promises " + payload + " bytes of payload but the file holds only "
        + (payload - 1000) + " (an interrupted copy or download?); use an earlier checkpoint or copy the file again",
        loadFailure(file).getMessage());

    Files.write(file, Arrays.copyOf(bytes, 10));
    assertEquals(file + ": truncated: the file is only 10 bytes, shorter than the 24-byte checkpoint header; use an earlier checkpoint",
        loadFailure(file).getMessage());
  }

  @Test
  void trailingBytesAreDetected() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length + 5));
    CheckpointError e = loadFailure(file);
    assertEquals(bytes.length, e.byteOffset());
    assertTrue(e.getMessage().contains("5 unexpected bytes after the end of the checkpoint"), e.getMessage());
  }

  @Test
  void foreignEmptyAndMissingFiles() throws IOException {
    Path zip = Files.write(dir.resolve("weights.zip"), new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
    assertEquals(zip + ": byte 0: not an nnet checkpoint: it starts with 50 4B 03 04 14 00 00 00 instead of the magic bytes "
        + "\"NNETCKPT\"; point at a file written by nnet's checkpoint save", loadFailure(zip).getMessage());
    Path empty = Files.write(dir.resolve("empty.ckpt"), new byte[0]);
    assertTrue(loadFailure(empty).getMessage().startsWith(empty + ": file is empty; it is not a checkpoint"));
    Path missing = dir.resolve("missing.ckpt");
    assertEquals(missing + ": no checkpoint here (file not found); check the path, or train first to create one",
        loadFailure(missing).getMessage());
  }

  @Test
  void aNewerFormatVersionIsNamed() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    bytes[11] = 2;
    Files.write(file, bytes);
    assertEquals(file + ": byte 8: format version 2, but this runtime reads version 1: it was written by a newer nnet; "
        + "upgrade nnet to load it", loadFailure(file).getMessage());
  }

  @Test
  void aMalformedPayloadWithAValidChecksumIsStillCaught() throws IOException {
    // 0 metadata entries, then a claim of 1000000 tensors in a 4-byte remainder.
    byte[] body = ByteBuffer.allocate(8).putInt(0).putInt(1_000_000).array();
    CRC32 crc = new CRC32();
    crc.update(body);
    ByteBuffer file = ByteBuffer.allocate(24 + body.length);
    file.put("NNETCKPT".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(body.length).putInt((int) crc.getValue()).put(body);
    Path path = Files.write(dir.resolve("bad.ckpt"), file.array());
    CheckpointError e = loadFailure(path);
    assertTrue(e.getMessage().startsWith(path + ": byte 32: malformed checkpoint: it declares 1000000 tensors, more than the remaining 0 bytes"),
        e.getMessage());
  }

  @Test
  void aFailedSaveLeavesThePreviousCheckpointIntact() throws IOException {
    Path file = saved();
    byte[] before = Files.readAllBytes(file);
    Checkpoint next = new Checkpoint(Map.of("w", Tensor.zeros(DType.F32, 50_000)), Map.of("epoch", "8"));
    // The "disk" fails after 100 KB of the new file, like a full disk or a killed process.
    CheckpointError e = assertThrows(CheckpointError.class, () -> CheckpointWriter.write(file, next, out -> failingAfter(out, 100_000)));
    assertTrue(e.getMessage().startsWith(file + ": could not write the checkpoint (java.io.IOException: No space left on device)"), e.getMessage());
    assertTrue(e.getMessage().contains("the previous checkpoint at this path, if any, is unchanged"));
    assertArrayEquals(before, Files.readAllBytes(file));
    assertSameContents(sample(), Checkpoint.load(file));
    assertEquals(List.of(file), filesIn(dir)); // the half-written temp file is gone
  }

  /** A stream that passes {@code limit} bytes through and then fails like a full disk. */
  static OutputStream failingAfter(OutputStream out, long limit) {
    return new FilterOutputStream(out) {
      long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (written + len > limit) {
          throw new IOException("No space left on device");
        }
        written += len;
        out.write(b, off, len);
      }
    };
  }
}
