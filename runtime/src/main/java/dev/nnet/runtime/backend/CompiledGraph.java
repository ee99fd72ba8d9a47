package dev.nnet.runtime.backend;

import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Profile;
import java.util.Map;

/** A graph a {@link Backend} has prepared to run, many times, with the same {@link Signature}. */
public interface CompiledGraph {
  /** The interface the graph was compiled with. */
  Signature signature();

  /**
   * Runs the graph once.
   *
   * @param feeds a tensor for every input slot of the signature, by name; read, never modified
   * @param randomKey the key of every random draw of this run (dropout masks, noise): element
   *     {@code i} of the random node with salt {@code s} is {@code f(randomKey, s, i)}, as
   *     {@link dev.nnet.ir.CounterRandom} defines it, on every backend, so the same key and feeds
   *     give the same outputs everywhere. Callers derive one key per run from (seed, epoch, step)
   *     (see {@code dev.nnet.runtime.train.StepSeeds}), never a stream shared across runs
   * @return every output slot's value, by name
   */
  Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey);

  /**
   * {@link #run(Map, long)}, adding the time of every node to {@code profile} (a profile of the
   * compiled graph). A backend that cannot time single nodes runs without recording.
   */
  default Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey, Profile profile) {
    return run(feeds, randomKey);
  }

  /**
   * Hands back a tensor an earlier run returned and nothing will read again (a parameter value an
   * update replaced), so a later run may write into its memory. A backend may ignore it.
   */
  void recycle(Tensor replaced);
}
