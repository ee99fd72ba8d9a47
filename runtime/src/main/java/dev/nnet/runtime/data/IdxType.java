package dev.nnet.runtime.data;

/**
 * The element types of the IDX format (the third byte of an IDX file). Values are stored
 * big-endian.
 *
 * @see IdxReader
 */
public enum IdxType {
  U8(0x08, 1, "u8", true),
  I8(0x09, 1, "i8", true),
  I16(0x0B, 2, "i16", true),
  I32(0x0C, 4, "i32", true),
  F32(0x0D, 4, "f32", false),
  F64(0x0E, 8, "f64", false);

  private final int code;
  private final int bytes;
  private final String text;
  private final boolean integer;

  IdxType(int code, int bytes, String text, boolean integer) {
    this.code = code;
    this.bytes = bytes;
    this.text = text;
    this.integer = integer;
  }

  /** The type code as it appears in the file's magic number. */
  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** Whether the values are integers (and so can be read as i64 labels). */
  public boolean isInteger() {
    return integer;
  }

  /** The type with the given code, or null for a code the format does not define. */
  public static IdxType fromCode(int code) {
    for (IdxType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
