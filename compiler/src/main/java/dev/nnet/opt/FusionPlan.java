package dev.nnet.opt;

import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphPrinter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How {@link FusionGroups} partitions a graph: each computing node (every node but the leaves:
 * inputs, parameters, constants, fills and ranges, which a code generator reads or inlines) is in
 * exactly one group, and each group is what a code generator can emit as one loop nest. Groups
 * are listed (and numbered) in the order of their first node. Their dependencies form no cycle, so
 * a schedule exists, but the listing order is not always one: a group whose first node is
 * {@code %9} may read {@code %13}, the value of a group listed after it. A code generator orders
 * the groups by their dependencies (the Java backend's {@code GraphClassWriter} does).
 */
public record FusionPlan(Graph graph, List<Group> groups) {
  public FusionPlan {
    groups = List.copyOf(groups);
  }

  /** What kind of loop a group is. */
  public enum Kind {
    /** Elementwise ops over one output shape (operands that broadcast are inputs). */
    ELEMENTWISE,
    /** Elementwise ops over one shape ending in a reduction of it ({@code sum(exp(x - m))}). */
    REDUCTION,
    /** A movement op on its own (a copy, or a view where the backend can make one). */
    MOVEMENT,
    /** A pooling window or its adjoint. */
    WINDOW,
    /** A matrix product or convolution. */
    CONTRACTION,
    /** Data-dependent addressing: one-hot, gather, scatter-add, max-pool routing. */
    INDEXING,
    /** A random draw. */
    RANDOM,
    /** A loop ({@code scan}) or the reading of one of its results. */
    CONTROL;

    String text() {
      return name().toLowerCase();
    }
  }

  /**
   * One group: its number in the plan, its node ids in order, the ids of the values it reads from
   * outside (leaves or other groups' outputs) and the ids of its nodes that something outside the
   * group reads (other groups or the graph's outputs); only those need memory of their own.
   */
  public record Group(int index, Kind kind, List<Integer> nodes, List<Integer> inputs, List<Integer> outputs) {
    public Group {
      nodes = List.copyOf(nodes);
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /** For each group, a note {@code group 3 (elementwise): %12 %13 %14} keyed by the group's first node. */
  public Map<Integer, String> notes() {
    Map<Integer, String> notes = new LinkedHashMap<>();
    for (Group g : groups) {
      notes.put(g.nodes().get(0), "group " + g.index() + " (" + g.kind().text() + "): "
          + g.nodes().stream().map(i -> "%" + i).collect(Collectors.joining(" ")));
    }
    return notes;
  }

  /** The graph's text with each group's note before its first node ({@code nnet compile --emit ir}). */
  public String dump() {
    return GraphPrinter.print(graph, notes());
  }
}
