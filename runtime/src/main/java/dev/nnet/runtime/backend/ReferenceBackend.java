package dev.nnet.runtime.backend;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import dev.nnet.runtime.interpreter.Profile;
import java.util.Map;

/**
 * The reference interpreter ({@link Executor}) as a backend: every other backend is checked
 * against it, random draws included: they are counter-based ({@link dev.nnet.ir.CounterRandom}),
 * keyed by the run's key, so another backend reproduces them exactly.
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
    public Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey) {
      return executor.run(feeds, randomKey);
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey, Profile profile) {
      return executor.run(feeds, randomKey, profile);
    }

    @Override
    public void recycle(Tensor replaced) {
      executor.recycle(replaced);
    }
  }
}
