package dev.nnet.opt;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Op;
import dev.nnet.ir.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dead-code elimination: keeps only the nodes that some kept output depends on, renumbered in the
 * same order. Inputs, parameters and random draws are no exception: an input no output reads is
 * not fed, and a random draw no output reads is not drawn (draws are counter-based, keyed by each
 * node's salt, so removing one changes no other draw). Also cuts a prediction graph (inputs -> model output) out of an evaluation graph
 * that computes the loss from labels too.
 */
public final class DeadCode {
  private DeadCode() {}

  /**
   * {@code graph} without the nodes that none of its outputs needs, except its inputs: they are
   * the graph's interface (a training step takes {@code lr}, {@code epoch} and {@code step}
   * whether or not this program reads them), so they stay for {@link #prune} to cut deliberately.
   */
  public static Graph eliminate(Graph graph) {
    return prune(graph, graph.outputs().keySet(), true);
  }

  /** The part of {@code graph} that computes the outputs named in {@code keep}; the other outputs are dropped. */
  public static Graph prune(Graph graph, Set<String> keep) {
    return prune(graph, keep, false);
  }

  private static Graph prune(Graph graph, Set<String> keep, boolean keepInputs) {
    boolean[] live = new boolean[graph.nodes().size()];
    if (keepInputs) {
      graph.nodes().forEach(n -> live[n.id()] |= n.op() instanceof Op.Input);
    }
    for (String name : keep) {
      live[graph.output(name).id()] = true;
    }
    for (int id = live.length - 1; id >= 0; id--) {
      if (live[id]) {
        for (int in : graph.node(id).inputs()) {
          live[in] = true;
        }
      }
    }
    Map<Integer, Integer> renumber = new HashMap<>();
    List<Node> nodes = new ArrayList<>();
    for (Node n : graph.nodes()) {
      if (live[n.id()]) {
        int id = nodes.size();
        renumber.put(n.id(), id);
        nodes.add(new Node(id, n.op(), n.inputs().stream().map(renumber::get).toList(), n.type(), n.span()));
      }
    }
    Map<String, Integer> outputs = new LinkedHashMap<>();
    graph.outputs().forEach((name, id) -> {
      if (keep.contains(name)) {
        outputs.put(name, renumber.get(id));
      }
    });
    return new Graph(nodes, outputs);
  }
}
