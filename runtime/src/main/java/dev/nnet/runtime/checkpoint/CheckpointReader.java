package dev.nnet.runtime.checkpoint;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads and verifies a checkpoint in two passes: first the header and the CRC-32 over the whole
 * payload, so that corruption is reported as such; then the payload itself, checking every length
 * against the bytes that remain, so that even a payload with a valid CRC cannot make it allocate
 * absurd arrays.
 */
final class CheckpointReader {
  private static final int CHUNK = 1 << 16;

  private CheckpointReader() {}

  static Checkpoint read(Path file) {
    if (Files.isDirectory(file)) {
      throw new CheckpointError(file, "is a directory; expected a checkpoint file inside it");
    }
    if (!Files.exists(file)) {
      throw new CheckpointError(file, "no checkpoint here (file not found); check the path, or train first to create one");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long payloadLength = checkHeader(file, channel);
      checkCrc(file, channel, payloadLength);
      channel.position(CheckpointFormat.HEADER_BYTES);
      InputStream in = new BufferedInputStream(Channels.newInputStream(channel), CHUNK);
      return new Payload(file, new DataInputStream(in), payloadLength).read();
    } catch (IOException e) {
      throw new CheckpointError(file, "could not be read (" + e + ")", e);
    }
  }

  /** Validates the header against the file's size; returns the payload length. */
  private static long checkHeader(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0) {
      throw new CheckpointError(file, "file is empty; it is not a checkpoint (nnet never leaves an empty one: saves are atomic)");
    }
    ByteBuffer header = ByteBuffer.allocate(CheckpointFormat.HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
      // keep reading until the header is full or the file ends
    }
    byte[] magic = Arrays.copyOf(header.array(), Math.min(8, header.position()));
    if (!Arrays.equals(magic, Arrays.copyOf(CheckpointFormat.MAGIC, magic.length))) {
      throw new CheckpointError(file, 0, "not an nnet checkpoint: it starts with " + describe(magic)
          + " instead of the magic bytes \"NNETCKPT\"; point at a file written by nnet's checkpoint save", null);
    }
    if (header.position() < CheckpointFormat.HEADER_BYTES) {
      throw new CheckpointError(file, "truncated: the file is only " + size + " bytes, shorter than the "
          + CheckpointFormat.HEADER_BYTES + "-byte checkpoint header; use an earlier checkpoint");
    }
    header.flip();
    header.position(8);
    int version = header.getInt();
    if (version != CheckpointFormat.VERSION) {
      String why = version > CheckpointFormat.VERSION
          ? "it was written by a newer nnet; upgrade nnet to load it"
          : "no nnet ever wrote that version, so the file is corrupt";
      throw new CheckpointError(file, 8, "format version " + Integer.toUnsignedString(version) + ", but this runtime reads version "
          + CheckpointFormat.VERSION + ": " + why, null);
    }
    long payloadLength = header.getLong();
    long present = size - CheckpointFormat.HEADER_BYTES;
    if (payloadLength < 0 || payloadLength > present) {
      throw new CheckpointError(file, "truncated: the header promises " + Long.toUnsignedString(payloadLength)
          + " bytes of payload but the file holds only " + present
          + " (an interrupted copy or download?); use an earlier checkpoint or copy the file again");
    }
    if (payloadLength < present) {
      throw new CheckpointError(file, CheckpointFormat.HEADER_BYTES + payloadLength, (present - payloadLength)
          + " unexpected bytes after the end of the checkpoint; the file was appended to or is damaged", null);
    }
    return payloadLength;
  }

  private static void checkCrc(Path file, FileChannel channel, long payloadLength) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4);
    channel.read(header, 20);
    int stored = header.flip().getInt();
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long pos = CheckpointFormat.HEADER_BYTES;
    long end = pos + payloadLength;
    while (pos < end) {
      buf.clear().limit((int) Math.min(CHUNK, end - pos));
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new CheckpointError(file, pos, "the file ended while being read; was it truncated by another program just now?", null);
      }
      buf.flip();
      crc.update(buf);
      pos += n;
    }
    if ((int) crc.getValue() != stored) {
      throw new CheckpointError(file, String.format(
          "checksum mismatch (stored %08x, computed %08x): the file is corrupt (damaged on disk or in transfer, or edited); "
              + "use an earlier checkpoint", stored, (int) crc.getValue()));
    }
  }

  private static String describe(byte[] start) {
    StringBuilder sb = new StringBuilder();
    for (byte b : start) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
    }
    return sb.length() == 0 ? "nothing" : sb.toString();
  }

  /** The second pass: parses the payload, checking each length against what remains. */
  private static final class Payload {
    private final Path file;
    private final DataInputStream in;
    private final long end;
    private long pos = CheckpointFormat.HEADER_BYTES;

    Payload(Path file, DataInputStream in, long payloadLength) {
      this.file = file;
      this.in = in;
      this.end = CheckpointFormat.HEADER_BYTES + payloadLength;
    }

    Checkpoint read() throws IOException {
      Map<String, String> metadata = new LinkedHashMap<>();
      long entries = count("metadata entries", 8);
      for (long i = 0; i < entries; i++) {
        String key = string();
        if (metadata.put(key, string()) != null) {
          throw malformed("metadata key \"" + key + "\" appears twice");
        }
      }
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      long count = count("tensors", 6);
      for (long i = 0; i < count; i++) {
        long at = pos;
        String name = string();
        Tensor t = tensor(name);
        if (tensors.put(name, t) != null) {
          throw new CheckpointError(file, at, "malformed checkpoint: tensor \"" + name + "\" appears twice", null);
        }
      }
      if (pos != end) {
        throw malformed((end - pos) + " bytes left over after the last tensor");
      }
      return new Checkpoint(tensors, metadata);
    }

    private Tensor tensor(String name) throws IOException {
      need(2, "the dtype and rank of tensor \"" + name + "\"");
      int code = in.readUnsignedByte();
      int rank = in.readUnsignedByte();
      pos += 2;
      DType dtype = CheckpointFormat.dtypeOf(code);
      if (dtype == null) {
        throw malformed("tensor \"" + name + "\" has unknown dtype code " + code);
      }
      need(4L * rank, "the shape of tensor \"" + name + "\"");
      int[] shape = new int[rank];
      for (int i = 0; i < rank; i++) {
        shape[i] = in.readInt();
        pos += 4;
        if (shape[i] < 0) {
          throw malformed("tensor \"" + name + "\" has a negative dimension " + shape[i]);
        }
      }
      long elements = elementsWithin(shape, (end - pos) / CheckpointFormat.bytesPerElement(dtype));
      if (elements < 0) {
        throw malformed("tensor \"" + name + "\" of shape " + Arrays.toString(shape) + " needs more bytes than the file has left");
      }
      int n = (int) elements;
      need((long) n * CheckpointFormat.bytesPerElement(dtype), "the data of tensor \"" + name + "\"");
      return switch (dtype) {
        case F32 -> Tensor.of(floats(n), shape);
        case I64 -> Tensor.ofLongs(longs(n), shape);
        case BOOL -> Tensor.ofBool(bools(name, n), shape);
      };
    }

    /**
     * The number of elements of {@code shape}, or -1 if it exceeds {@code limit} or what one Java
     * array can hold. Checked dimension by dimension so the product never overflows.
     */
    private static long elementsWithin(int[] shape, long limit) {
      for (int d : shape) {
        if (d == 0) {
          return 0;
        }
      }
      limit = Math.min(limit, Integer.MAX_VALUE - 8);
      long elements = 1;
      for (int d : shape) {
        if (elements > limit / d) {
          return -1;
        }
        elements *= d;
      }
      return elements;
    }

    private float[] floats(int n) throws IOException {
      float[] out = new float[n];
      byte[] chunk = new byte[CHUNK];
      ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
      for (int off = 0; off < n; off += CHUNK / 4) {
        int k = Math.min(CHUNK / 4, n - off);
        in.readFully(chunk, 0, 4 * k);
        buf.clear();
        buf.asFloatBuffer().get(out, off, k);
      }
      pos += 4L * n;
      return out;
    }

    private long[] longs(int n) throws IOException {
      long[] out = new long[n];
      byte[] chunk = new byte[CHUNK];
      ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
      for (int off = 0; off < n; off += CHUNK / 8) {
        int k = Math.min(CHUNK / 8, n - off);
        in.readFully(chunk, 0, 8 * k);
        buf.clear();
        buf.asLongBuffer().get(out, off, k);
      }
      pos += 8L * n;
      return out;
    }

    private float[] bools(String name, int n) throws IOException {
      float[] out = new float[n];
      byte[] chunk = new byte[CHUNK];
      for (int off = 0; off < n; off += CHUNK) {
        int k = Math.min(CHUNK, n - off);
        in.readFully(chunk, 0, k);
        for (int i = 0; i < k; i++) {
          if (chunk[i] != 0 && chunk[i] != 1) {
            throw new CheckpointError(file, pos + off + i, "malformed checkpoint: bool tensor \"" + name + "\" holds byte "
                + chunk[i] + ", not 0 or 1", null);
          }
          out[off + i] = chunk[i];
        }
      }
      pos += n;
      return out;
    }

    /** A u32 count of items that each take at least {@code minBytes}, checked against what remains. */
    private long count(String what, int minBytes) throws IOException {
      need(4, "the number of " + what);
      long n = Integer.toUnsignedLong(in.readInt());
      pos += 4;
      if (n * minBytes > end - pos) {
        throw malformed("it declares " + n + " " + what + ", more than the remaining " + (end - pos) + " bytes can hold");
      }
      return n;
    }

    private String string() throws IOException {
      need(4, "a string length");
      long length = Integer.toUnsignedLong(in.readInt());
      pos += 4;
      need(length, "a string of " + length + " bytes");
      byte[] utf8 = new byte[(int) length];
      in.readFully(utf8);
      long at = pos;
      pos += length;
      try {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
      } catch (CharacterCodingException e) {
        throw new CheckpointError(file, at, "malformed checkpoint: a name is not valid UTF-8", e);
      }
    }

    private void need(long bytes, String what) {
      if (bytes > end - pos) {
        throw malformed("the payload ends before " + what);
      }
    }

    private CheckpointError malformed(String problem) {
      // The CRC matched, so the writer itself produced this: not disk damage.
      return new CheckpointError(file, pos, "malformed checkpoint: " + problem
          + " (the checksum is valid, so the program that wrote it is at fault)", null);
    }
  }
}
