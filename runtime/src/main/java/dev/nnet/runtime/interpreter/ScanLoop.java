package dev.nnet.runtime.interpreter;

import dev.nnet.runtime.exec.BufferPool;
import dev.nnet.runtime.exec.ExecutionError;
import dev.nnet.ir.CounterRandom;
import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link dev.nnet.ir.Op.Scan}: the body graph once per step on its own executor (or, in
 * generated code, the body's generated class), carrying the carries
 * from step to step, slicing each sequence's step out of axis 0 and stacking the per-step outputs
 * (and, when the gradient needs them, the carries each step started from) along a new axis 0.
 * Each step runs the body under its own random key, {@link CounterRandom#stepKey}{@code (key, t)}
 * for the position {@code t} along the scanned axis: the body's random nodes draw anew every step,
 * the same numbers when the loop runs again, and the same in a reverse scan over the same
 * positions (the gradient recomputes the forward body that way, dropout masks included).
 * Only the results some node reads are stacked. Tensors of a finished step that nothing reads any
 * more go back to the body's buffer pool, so a long sequence does not allocate per step.
 */
public final class ScanLoop {
  /**
   * What runs one step: a graph with inputs {@code carry<i>}, {@code x<j>}, {@code const<k>} and
   * outputs {@code carry<i>}, {@code y<m>}; the executor is one, and so is the class a code
   * generator writes for the body.
   */
  public interface Body {
    /** Runs one step under {@code randomKey}. */
    Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey);

    /** Hands back a tensor of a finished step that nothing reads any more. */
    void recycle(Tensor dead);
  }

  private final int carries;
  private final int sequences;
  private final int consts;
  private final int outputs;
  private final boolean reverse;
  private final Body body;
  private final boolean[] used;

  /**
   * A loop over {@code body} with the scan's operand counts and direction. {@code used} says,
   * for each result in the scan's order (final carries, stacked outputs, stacked carries), whether
   * something reads it; only those are stacked.
   */
  public ScanLoop(int carries, int sequences, int consts, int outputs, boolean reverse, Body body, boolean[] used) {
    this.carries = carries;
    this.sequences = sequences;
    this.consts = consts;
    this.outputs = outputs;
    this.reverse = reverse;
    this.body = body;
    this.used = used.clone();
  }

  /**
   * Runs the loop on the scan's operands (carries, sequences, constants); returns every result in
   * the scan's order (unused stacked results are null). {@code steps} is the scan's length, and
   * {@code randomKey} the key of the run the scan is part of.
   */
  public Tensor[] run(List<Tensor> operands, int steps, long randomKey, BufferPool pool) {
    int nc = carries;
    int nx = sequences;
    int ny = outputs;
    Tensor[] results = new Tensor[nc * 2 + ny];
    Tensor[] carry = operands.subList(0, nc).toArray(Tensor[]::new);
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (int k = 0; k < consts; k++) {
      feeds.put("const" + k, operands.get(nc + nx + k));
    }
    Tensor[] stepOf = new Tensor[nx];
    for (int j = 0; j < nx; j++) {
      Tensor x = operands.get(nc + j);
      int[] shape = x.shape();
      if (shape[0] != steps) {
        throw new ExecutionError("`scan` has " + steps + " steps but sequence " + j + " has " + shape[0]);
      }
      stepOf[j] = Tensor.zeros(x.dtype(), java.util.Arrays.copyOfRange(shape, 1, shape.length));
    }
    // Arrays never handed to the body's pool: the operands' (they came from outside the loop)
    // and the step buffers' (every step overwrites them).
    Set<float[]> stepArrays = arraySet();
    for (Tensor x : stepOf) {
      addFloats(stepArrays, x);
    }
    Set<float[]> reserved = arraySet();
    reserved.addAll(stepArrays);
    operands.forEach(o -> addFloats(reserved, o));
    for (int s = 0; s < steps; s++) {
      int t = reverse ? steps - 1 - s : s;
      for (int i = 0; i < nc; i++) {
        feeds.put("carry" + i, carry[i]);
        if (used[nc + ny + i]) {
          results[nc + ny + i] = stack(results[nc + ny + i], carry[i], t, steps, pool);
        }
      }
      for (int j = 0; j < nx; j++) {
        copyStep(operands.get(nc + j), t, stepOf[j]);
        feeds.put("x" + j, stepOf[j]);
      }
      Map<String, Tensor> out = body.run(feeds, CounterRandom.stepKey(randomKey, t));
      // Arrays still read after this step: the new carries (outputs may share arrays, as views do).
      Set<float[]> keep = arraySet();
      for (int i = 0; i < nc; i++) {
        addFloats(keep, out.get("carry" + i));
      }
      Set<float[]> given = arraySet();
      for (int m = 0; m < ny; m++) {
        Tensor y = out.get("y" + m);
        if (used[nc + m]) {
          results[nc + m] = stack(results[nc + m], y, t, steps, pool);
        }
        giveBack(y, keep, given, reserved);
      }
      for (int i = 0; i < nc; i++) {
        giveBack(carry[i], keep, given, reserved); // the previous carry is dead unless reused
        carry[i] = out.get("carry" + i);
        if (carry[i].dtype() != DType.I64 && stepArrays.contains(carry[i].floats())) {
          carry[i] = carry[i].copy(); // a carry that is this step's x would be overwritten next step
        }
      }
    }
    for (int i = 0; i < nc; i++) {
      // A carry the loop left as it came in (no steps, or a body that passes it through) is an
      // operand's array, which the caller frees once the scan, its last reader, is done: the
      // result must own an array of its own, or a later value would overwrite it.
      // (Carries that were step buffers were copied in the loop, so a reserved array here is an operand's.)
      if (carry[i].dtype() != DType.I64 && reserved.contains(carry[i].floats())) {
        carry[i] = carry[i].copy();
      }
    }
    System.arraycopy(carry, 0, results, 0, nc);
    return results;
  }

  /**
   * Hands a finished step's tensor back to the body's pool, unless its array is still read
   * ({@code keep}), was already given back, or is {@code reserved}.
   */
  private void giveBack(Tensor t, Set<float[]> keep, Set<float[]> given, Set<float[]> reserved) {
    if (t.dtype() == DType.I64) {
      return;
    }
    float[] a = t.floats();
    if (!keep.contains(a) && !reserved.contains(a) && given.add(a)) {
      body.recycle(t);
    }
  }

  private static void addFloats(Set<float[]> set, Tensor t) {
    if (t.dtype() != DType.I64) {
      set.add(t.floats());
    }
  }

  private static Set<float[]> arraySet() {
    return java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  }

  /** Copies step {@code t} of {@code seq} (axis 0) into {@code into}. */
  private static void copyStep(Tensor seq, int t, Tensor into) {
    int n = into.size();
    if (seq.dtype() == DType.I64) {
      System.arraycopy(seq.longs(), t * n, into.longs(), 0, n);
    } else {
      System.arraycopy(seq.floats(), t * n, into.floats(), 0, n);
    }
  }

  /**
   * Writes {@code value} as step {@code t} of the stacked result, made on first use with the
   * first step's shape (every step has the body's output type).
   */
  private static Tensor stack(Tensor stacked, Tensor value, int t, int steps, BufferPool pool) {
    if (stacked == null) {
      int[] step = value.shape();
      int[] shape = new int[step.length + 1];
      shape[0] = steps;
      System.arraycopy(step, 0, shape, 1, step.length);
      stacked = switch (value.dtype()) {
        case I64 -> Tensor.zeros(DType.I64, shape);
        case F32 -> Tensor.of(pool.take(Math.toIntExact(Tensor.numel(shape))), shape);
        case BOOL -> Tensor.ofBool(pool.take(Math.toIntExact(Tensor.numel(shape))), shape);
      };
    }
    int n = value.size();
    if (stacked.size() != (long) n * steps) {
      throw new ExecutionError("`scan` step " + t + " made " + java.util.Arrays.toString(value.shape())
          + ", which does not fit the stacked result " + java.util.Arrays.toString(stacked.shape()));
    }
    if (value.dtype() == DType.I64) {
      System.arraycopy(value.longs(), 0, stacked.longs(), t * n, n);
    } else {
      System.arraycopy(value.floats(), 0, stacked.floats(), t * n, n);
    }
    return stacked;
  }
}
