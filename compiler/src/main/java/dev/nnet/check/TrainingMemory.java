package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.Dim;
import dev.nnet.ir.SourceSpan;
import dev.nnet.opt.MemoryPlan;
import dev.nnet.runtime.ParamSpec;
import java.util.Map;

/**
 * The memory a training run needs, worked out before anything is allocated: the parameters and
 * buffers, the optimizer state, and the activations of one training step ({@link MemoryPlan}'s
 * peak over the step graph, a polynomial in the batch size {@code N}), with the largest parameter
 * and the line that asks for it, so a run too large for the heap is one located error instead of
 * an OutOfMemoryError part way through initialization.
 *
 * @param parameterBytes the model's parameters and buffers (f32)
 * @param stateBytes the optimizer state (f32)
 * @param activationBytes the peak bytes of one step's computed values, in terms of {@code N}
 * @param largest the name of the largest parameter
 * @param largestBytes its bytes
 * @param largestAt the line that asks for it: the layer's creation ({@code fc = Linear(...)})
 */
public record TrainingMemory(
    long parameterBytes, long stateBytes, Dim activationBytes, String largest, long largestBytes, SourceSpan largestAt) {

  /** The estimate for {@code plan}. */
  public static TrainingMemory of(TrainingPlan plan) {
    long params = 0;
    String largest = null;
    long largestBytes = -1;
    SourceSpan largestAt = SourceSpan.NONE;
    for (LayerInstance layer : plan.model().flatten()) {
      for (ParamSpec p : layer.params()) {
        long bytes = bytes(p);
        params = Math.addExact(params, bytes);
        if (bytes > largestBytes) {
          largest = p.name();
          largestBytes = bytes;
          String local = p.name().substring(p.name().lastIndexOf('.') + 1);
          largestAt = layer.path().isEmpty() || layer.definedAt() == null
              ? layer.paramSpans().getOrDefault(local, SourceSpan.NONE) : layer.definedAt();
        }
      }
    }
    long state = 0;
    for (ParamSpec p : plan.optimizerState()) {
      state = Math.addExact(state, bytes(p));
    }
    return new TrainingMemory(params, state, MemoryPlan.of(plan.step()).peakBytes(), largest, largestBytes, largestAt);
  }

  private static long bytes(ParamSpec p) {
    Dim n = p.shape().numel();
    return n.isConstant() ? Math.multiplyExact(n.constant(), 4L) : 0;
  }

  /** The activation bytes of one step with batches of {@code batch} rows, or -1 when other sizes are unknown. */
  public long activationBytes(long batch) {
    try {
      return activationBytes.evaluate(Map.of("N", batch));
    } catch (IllegalArgumentException e) {
      return -1; // a size bound only when the data is read
    }
  }

  /**
   * Bytes a run needs at its peak: parameters and optimizer state twice (a step's updates are
   * computed before the values they replace are handed back) plus one step's activations.
   */
  public long runBytes(long batch) {
    return Math.addExact(Math.multiplyExact(2L, Math.addExact(parameterBytes, stateBytes)), Math.max(0, activationBytes(batch)));
  }

  /**
   * An error when a run with batches of {@code batch} rows needs more than {@code available} bytes,
   * located at the line of the largest parameter; null when it fits.
   */
  public Diagnostic checkFits(long batch, long available) {
    long needed;
    try {
      needed = runBytes(batch);
    } catch (ArithmeticException e) {
      needed = Long.MAX_VALUE;
    }
    if (needed <= available) {
      return null;
    }
    long act = activationBytes(batch);
    return Diagnostic.error(ErrorCode.TOO_LARGE, largestAt, String.format(
        "training needs about %,d bytes: %,d for parameters, %,d for optimizer state (both twice while a step updates them)"
            + "%s; this Java may use %,d more", needed, parameterBytes, stateBytes,
        act < 0 ? "" : String.format(" and %,d for one step's activations at batch %d", act, batch), available))
        .withLabel(String.format("`%s` alone takes %,d bytes", largest, largestBytes))
        .withHelp("use smaller layers or batches, or give Java more memory (`java -Xmx8g -jar nnet.jar ...`)");
  }
}
