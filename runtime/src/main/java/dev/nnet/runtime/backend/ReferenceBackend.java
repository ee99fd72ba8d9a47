package dev.nnet.runtime.backend;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.exec.Executor;
import dev.nnet.runtime.exec.Profile;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reference interpreter ({@link Executor}) as a backend: every other backend is checked
 * against it. Random ops draw from a {@link SplittableRandom} seeded with the run's seed, in node
 * order; counter-based draws keyed by the seed will replace it, which is why the seed, not a
 * stream, is what a run receives.
 */
public final class ReferenceBackend implements Backend {
  /** The name {@code --backend} knows it by. */
  public static final String NAME = "reference";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompiledGraph compile(Graph graph, Signature signature) {
    return new Compiled(new Executor(graph), signature.validate(graph));
  }

  private record Compiled(Executor executor, Signature signature) implements CompiledGraph {
    @Override
    public Map<String, Tensor> run(Map<String, Tensor> feeds, long randomSeed) {
      return executor.run(feeds, new SplittableRandom(randomSeed));
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> feeds, long randomSeed, Profile profile) {
      return executor.run(feeds, new SplittableRandom(randomSeed), profile);
    }

    @Override
    public void recycle(Tensor replaced) {
      executor.recycle(replaced);
    }
  }
}
