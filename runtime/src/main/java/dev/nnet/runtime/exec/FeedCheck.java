package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The checks generated code makes on the tensors fed to a graph, with the reference executor's
 * messages: a missing feed, a wrong dtype or rank, a dim that is not what the declared shape and
 * the symbols bound so far say. Errors carry no span; the caller knows which node it was checking.
 */
public final class FeedCheck {
  private FeedCheck() {}

  /**
   * The feed called {@code name}, checked for presence, dtype and rank.
   *
   * @param what how messages name it, such as {@code input `x`}
   * @param declared the declared shape as text, such as {@code [N, 784]}
   */
  public static Tensor take(Map<String, Tensor> feeds, String name, String what, DType dtype, int rank,
      String declared) {
    Tensor t = feeds.get(name);
    if (t == null) {
      throw new ExecutionError("missing feed for " + what + " of type " + (dtype == DType.F32 ? "" : dtype.text()) + declared + "; fed: "
          + feeds.keySet());
    }
    if (t.dtype() != dtype) {
      throw new ExecutionError(what + " expects dtype " + dtype + " with shape " + declared + ", got "
          + t.dtype() + " with shape " + Arrays.toString(t.shape()));
    }
    if (t.rank() != rank) {
      throw new ExecutionError(what + " expects shape " + declared + " (rank " + rank + "), got "
          + Arrays.toString(t.shape()) + " (rank " + t.rank() + ")");
    }
    return t;
  }

  /**
   * The error for dim {@code axis} of {@code t}, which is not what the declared shape says.
   *
   * @param expected the declared dim as text ({@code 784}, {@code 2*N}), and for a symbolic one
   *     its value and how its symbols got theirs ({@code 2*N = 64 (N = 32 from input `x` dim 0)})
   */
  public static ExecutionError mismatch(Tensor t, String what, String declared, int axis, String expected) {
    return new ExecutionError(what + " expects shape " + declared + ", got " + Arrays.toString(t.shape())
        + ": dim " + axis + " is " + t.dim(axis) + ", expected " + expected);
  }
}
