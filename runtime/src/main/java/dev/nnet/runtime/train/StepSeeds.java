package dev.nnet.runtime.train;

/**
 * The random seed of each run of a compiled graph, derived from the run's seed and the position of
 * the step: {@code (seed, epoch, step)} always gives the same value. Runs do not share one stream,
 * so a step's draws (dropout masks) do not depend on how many numbers earlier steps drew, and a
 * backend may draw counter-based numbers keyed by this seed, in any order.
 */
public final class StepSeeds {
  /** The purpose of evaluation runs, kept apart from the training steps' seeds. */
  private static final long EVALUATION = 0x6576616cL;

  private StepSeeds() {}

  /** The seed of training step {@code step} (0-based, within the epoch) of epoch {@code epoch} (0-based). */
  public static long training(long runSeed, int epoch, int step) {
    return mix(mix(mix(runSeed) ^ epoch) ^ step);
  }

  /** The seed of evaluation batch {@code batch}; evaluation draws nothing today (no dropout in eval mode). */
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
