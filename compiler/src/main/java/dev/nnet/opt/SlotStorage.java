package dev.nnet.opt;

import dev.nnet.ir.DType;
import java.util.Optional;

/**
 * How a backend stores values of each dtype, as far as {@link MemoryPlan} needs to know: the kind of
 * array an element lives in and its width in bytes, or nothing for a dtype whose values the
 * backend keeps outside the plan. Two values share a slot only if their kinds are equal and their
 * sizes in bytes are equal as {@link dev.nnet.ir.Dim}s.
 */
@FunctionalInterface
public interface SlotStorage {
  /**
   * The storage of untyped memory, where any values of equal byte size may share: every dtype is
   * kind {@code bytes}, 4 bytes for f32, 8 for i64, 1 for bool. The plan's default, for backends
   * that place values in raw buffers.
   */
  SlotStorage BYTES = dtype -> Optional.of(new Element("bytes", switch (dtype) {
    case F32 -> 4;
    case I64 -> 8;
    case BOOL -> 1;
  }));

  /** How values of {@code dtype} are stored, or empty when they live outside the plan. */
  Optional<Element> element(DType dtype);

  /**
   * One element's storage.
   *
   * @param kind the kind of array (slots of different kinds never share: {@code float[]} and
   *     {@code long[]} are different Java types)
   * @param bytes the element's width in bytes
   */
  record Element(String kind, int bytes) {
    public Element {
      if (bytes <= 0) {
        throw new IllegalArgumentException("an element has a positive width, got " + bytes);
      }
    }
  }
}
