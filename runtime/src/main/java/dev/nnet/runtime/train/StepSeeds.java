package dev.nnet.runtime.train;

/**
 * The random key of each run of a compiled graph, derived from the run's seed and the position of
 * the step: {@code (seed, epoch, step)} always gives the same key. Runs do not share one stream:
 * every random draw of a run is a function of this key, the drawing node's salt and the element
 * index ({@link dev.nnet.ir.CounterRandom}), so a step's dropout masks depend on nothing earlier
 * steps did, and any backend, in any order, draws the same numbers.
 */
public final class StepSeeds {
  /** The purpose of evaluation runs, kept apart from the training steps' seeds. */
  private static final long EVALUATION = 0x6576616cL;

  private StepSeeds() {}

  /** The key of training step {@code step} (0-based, within the epoch) of epoch {@code epoch} (0-based). */
  public static long training(long runSeed, int epoch, int step) {
    return mix(mix(mix(runSeed) ^ epoch) ^ step);
  }

  /** The key of evaluation batch {@code batch}; evaluation draws nothing today (no dropout in eval mode). */
  public static long evaluation(int batch) {
    return mix(EVALUATION ^ batch);
  }

  /** SplitMix64's finalizer: every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
