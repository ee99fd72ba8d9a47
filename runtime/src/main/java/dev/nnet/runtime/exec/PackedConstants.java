package dev.nnet.runtime.exec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Reads the large constants of generated code, which are written as Base64 text of their
 * little-endian elements: an array initializer of thousands of numbers would exceed the class
 * file's 64 KB limit on a method. The text comes in chunks, since one string constant is
 * limited to 64 KB too.
 */
public final class PackedConstants {
  private PackedConstants() {}

  /** The floats that {@code chunks}, joined, encode. */
  public static float[] floats(String... chunks) {
    ByteBuffer bytes = decode(chunks);
    float[] out = new float[bytes.remaining() / Float.BYTES];
    bytes.asFloatBuffer().get(out);
    return out;
  }

  /** The longs that {@code chunks}, joined, encode. */
  public static long[] longs(String... chunks) {
    ByteBuffer bytes = decode(chunks);
    long[] out = new long[bytes.remaining() / Long.BYTES];
    bytes.asLongBuffer().get(out);
    return out;
  }

  private static ByteBuffer decode(String[] chunks) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(String.join("", chunks))).order(ByteOrder.LITTLE_ENDIAN);
  }
}
