package dev.nnet.ir;

/** Element types. {@code f32} is the default; {@code i64} holds indices and labels; {@code bool} masks. */
public enum DType {
  F32("f32"),
  I64("i64"),
  BOOL("bool");

  private final String text;

  DType(String text) {
    this.text = text;
  }

  /** The name used in .nnet source. */
  public String text() {
    return text;
  }

  /** Parses {@code f32}, {@code i64} or {@code bool}; null for anything else. */
  public static DType parse(String s) {
    for (DType d : values()) {
      if (d.text.equals(s)) {
        return d;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
