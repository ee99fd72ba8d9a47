package dev.nnet.opt;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Batching} made of a per-sample graph: a graph that computes the outputs it could
 * batch for many samples at once, and, for each output it could not, why.
 *
 * @param graph the batched graph: each batched input and each output has the leading axis
 *     {@code rows} in front of its per-sample type; it holds only the outputs that could be batched
 *     (none, when {@link #unbatched} names them all)
 * @param rows the leading axis, a dimension symbol the per-sample graph does not use
 * @param unbatched each output that could not be batched, with the reason (the op and where it
 *     came from); a caller computes these sample by sample with the per-sample graph
 */
public record BatchedGraph(Graph graph, Dim rows, Map<String, String> unbatched) {
  public BatchedGraph {
    unbatched = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(unbatched));
  }

  /** Whether every output of the per-sample graph was batched. */
  public boolean isComplete() {
    return unbatched.isEmpty();
  }
}
