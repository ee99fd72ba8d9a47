package dev.nnet.runtime.checkpoint;

import dev.nnet.ir.DType;
import java.nio.charset.StandardCharsets;

/** The constants of the checkpoint file format, described in {@code package-info.java}. */
final class CheckpointFormat {
  static final byte[] MAGIC = "NNETCKPT".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** magic (8) + version (4) + payload length (8) + CRC-32 (4). */
  static final int HEADER_BYTES = 24;
  /** Offset of the payload length in the header. */
  static final int LENGTH_OFFSET = 12;

  private CheckpointFormat() {}

  static int dtypeCode(DType dtype) {
    return switch (dtype) {
      case F32 -> 0;
      case I64 -> 1;
      case BOOL -> 2;
    };
  }

  /** The dtype with this code, or null for a code the format does not define. */
  static DType dtypeOf(int code) {
    return switch (code) {
      case 0 -> DType.F32;
      case 1 -> DType.I64;
      case 2 -> DType.BOOL;
      default -> null;
    };
  }

  static int bytesPerElement(DType dtype) {
    return switch (dtype) {
      case F32 -> 4;
      case I64 -> 8;
      case BOOL -> 1;
    };
  }
}
