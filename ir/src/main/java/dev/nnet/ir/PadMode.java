package dev.nnet.ir;

/**
 * How {@code pad} fills the cells outside a tensor, with the semantics of PyTorch's
 * {@code torch.nn.functional.pad} modes of the same names. Examples pad {@code [1, 2, 3, 4]} by 2
 * before and 1 after.
 */
public enum PadMode {
  /** A fixed value: {@code [v, v, 1, 2, 3, 4, v]}. */
  CONSTANT,
  /** Mirrors at the edge without repeating it: {@code [3, 2, 1, 2, 3, 4, 3]}; each pad must be less than the axis size. */
  REFLECT,
  /** Repeats the edge element: {@code [1, 1, 1, 2, 3, 4, 4]}. */
  REPLICATE,
  /** Wraps around: {@code [3, 4, 1, 2, 3, 4, 1]}; each pad must be at most the axis size. */
  CIRCULAR;

  /** The .nnet spelling: {@code "reflect"}. */
  public String text() {
    return name().toLowerCase();
  }

  /** Parses the .nnet spelling; null for anything else. */
  public static PadMode parse(String s) {
    for (PadMode m : values()) {
      if (m.text().equals(s)) {
        return m;
      }
    }
    return null;
  }
}
