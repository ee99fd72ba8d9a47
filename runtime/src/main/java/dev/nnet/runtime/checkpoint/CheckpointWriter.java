package dev.nnet.runtime.checkpoint;

import dev.nnet.runtime.Tensor;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a checkpoint atomically: temp file in the same directory, payload streamed through a
 * CRC-32, header patched in, {@code force}, then an atomic rename over the target.
 */
final class CheckpointWriter {
  private static final int CHUNK = 1 << 16;

  private CheckpointWriter() {}

  /**
   * Writes {@code ckpt} to {@code file}. {@code streamHook} wraps the stream the payload goes to;
   * tests use it to make the write fail part way.
   */
  static void write(Path file, Checkpoint ckpt, UnaryOperator<OutputStream> streamHook) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    boolean moved = false;
    try {
      Files.createDirectories(dir);
      // Not createTempFile: its owner-only permissions would stay on the checkpoint after the move,
      // and a checkpoint is meant to be shared (shipped as a resource, read by a server): the
      // temporary file gets the umask's permissions, as any file the user writes.
      tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(channel, ByteBuffer.allocate(CheckpointFormat.HEADER_BYTES), 0); // patched below
        channel.position(CheckpointFormat.HEADER_BYTES);
        CRC32 crc = new CRC32();
        // The channel stream is not closed here: that would close the channel before force().
        OutputStream toFile = streamHook.apply(Channels.newOutputStream(channel));
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(toFile, CHUNK), crc));
        writePayload(out, ckpt);
        out.flush();
        long payloadLength = channel.position() - CheckpointFormat.HEADER_BYTES;
        writeFully(channel, header(payloadLength, crc.getValue()), 0);
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      syncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointError(file, "could not write the checkpoint (" + e + "); the previous checkpoint at this path, "
          + "if any, is unchanged. Check free disk space and permissions", e);
    } finally {
      if (tmp != null && !moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: a stray temp file is harmless and its name says what it is.
        }
      }
    }
  }

  /**
   * Deletes the temp files that interrupted writes of {@code file} left (a process killed before
   * its rename); returns how many. Call it when no other process writes this checkpoint.
   */
  static int removeInterruptedWrites(Path file) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return 0;
    }
    String prefix = "." + target.getFileName() + ".";
    int removed = 0;
    try (var entries = Files.newDirectoryStream(dir, p -> {
      String name = p.getFileName().toString();
      return name.startsWith(prefix) && name.endsWith(".tmp");
    })) {
      for (Path stale : entries) {
        if (Files.deleteIfExists(stale)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw new CheckpointError(file, "could not remove the temp files of interrupted saves (" + e
          + "); delete the `" + prefix + "*.tmp` files in " + dir + " by hand", e);
    }
    return removed;
  }

  private static ByteBuffer header(long payloadLength, long crc) {
    ByteBuffer h = ByteBuffer.allocate(CheckpointFormat.HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    h.put(CheckpointFormat.MAGIC).putInt(CheckpointFormat.VERSION).putLong(payloadLength).putInt((int) crc);
    return h.flip();
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      position += channel.write(buf, position);
    }
  }

  private static void writePayload(DataOutputStream out, Checkpoint ckpt) throws IOException {
    out.writeInt(ckpt.metadata().size());
    for (Map.Entry<String, String> e : ckpt.metadata().entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    out.writeInt(ckpt.tensors().size());
    byte[] chunk = new byte[CHUNK];
    for (Map.Entry<String, Tensor> e : ckpt.tensors().entrySet()) {
      Tensor t = e.getValue();
      writeString(out, e.getKey());
      out.writeByte(CheckpointFormat.dtypeCode(t.dtype()));
      out.writeByte(t.rank());
      for (int d : t.shape()) {
        out.writeInt(d);
      }
      writeData(out, t, chunk);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  /** Writes the elements through a byte chunk, so the CRC runs over arrays, not single bytes. */
  private static void writeData(DataOutputStream out, Tensor t, byte[] chunk) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
    switch (t.dtype()) {
      case F32 -> {
        float[] src = t.floats();
        int per = chunk.length / 4;
        for (int off = 0; off < src.length; off += per) {
          int n = Math.min(per, src.length - off);
          buf.clear();
          buf.asFloatBuffer().put(src, off, n);
          out.write(chunk, 0, 4 * n);
        }
      }
      case I64 -> {
        long[] src = t.longs();
        int per = chunk.length / 8;
        for (int off = 0; off < src.length; off += per) {
          int n = Math.min(per, src.length - off);
          buf.clear();
          buf.asLongBuffer().put(src, off, n);
          out.write(chunk, 0, 8 * n);
        }
      }
      case BOOL -> {
        float[] src = t.floats();
        for (int off = 0; off < src.length; off += chunk.length) {
          int n = Math.min(chunk.length, src.length - off);
          for (int i = 0; i < n; i++) {
            chunk[i] = (byte) (src[off + i] != 0 ? 1 : 0);
          }
          out.write(chunk, 0, n);
        }
      }
    }
  }

  /** Makes the rename itself durable. Linux allows syncing a directory; other systems may refuse. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Not supported here (e.g. Windows): the rename is still atomic, only its durability is up to the OS.
    }
  }
}
