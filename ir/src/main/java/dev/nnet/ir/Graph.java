package dev.nnet.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pure function as a list of {@link Node}s in topological order, with named outputs. Inputs are
 * the {@link Op.Input} and {@link Op.Parameter} nodes. Graphs are immutable; passes build new ones
 * with a {@link GraphBuilder}.
 */
public record Graph(List<Node> nodes, Map<String, Integer> outputs) {
  public Graph {
    nodes = List.copyOf(nodes);
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  public Node node(int id) {
    return nodes.get(id);
  }

  public Node output(String name) {
    Integer id = outputs.get(name);
    if (id == null) {
      throw new IllegalArgumentException("graph has no output `" + name + "`; it has " + outputs.keySet());
    }
    return nodes.get(id);
  }

  /** The input nodes in order of appearance. */
  public List<Node> inputs() {
    return nodes.stream().filter(n -> n.op() instanceof Op.Input).toList();
  }

  /** The parameter and state nodes in order of appearance. */
  public List<Node> parameters() {
    return nodes.stream().filter(n -> n.op() instanceof Op.Parameter).toList();
  }

  /** For each node, the ids of the nodes that use it. */
  public List<List<Integer>> users() {
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      users.add(new ArrayList<>());
    }
    for (Node n : nodes) {
      for (int in : n.inputs()) {
        users.get(in).add(n.id());
      }
    }
    return users;
  }

  /** The stable text form of {@code nnet compile --emit ir}; see {@link GraphPrinter}. */
  public String dump() {
    return GraphPrinter.print(this);
  }

  /** Output name to node, in declaration order. */
  public Map<String, Node> outputNodes() {
    Map<String, Node> m = new LinkedHashMap<>();
    outputs.forEach((k, v) -> m.put(k, nodes.get(v)));
    return m;
  }
}
