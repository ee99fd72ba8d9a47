package dev.nnet.opt;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Liveness;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A static buffer assignment for one graph, over symbolic sizes: every value the graph computes
 * gets a slot, and a slot holds one value at a time.
 *
 * <p>Liveness is {@link Liveness}'s, the same the interpreter frees its buffers by: a value lives
 * from its node to the last node that reads it (graph outputs to the end); nodes no output needs
 * are not run and get no slot. Nodes are visited in order; a
 * value takes a free slot whose size equals its own as a {@link Dim} (so {@code [N, 64]} f32 and
 * {@code [64, N]} f32 share, {@code [N, 64]} and {@code [N, 10]} never do), else a new slot; the
 * slots of values whose last reader it is are freed after it, since an operand is still read
 * while the node computes. Views (reshape, stop-gradient, a cast to the same dtype) share their
 * operand's slot and keep it alive as long as they live. Inputs, parameters and constants live
 * outside the plan (fed or owned by the graph): they and their views have no slot.
 *
 * <p>Sizes are in bytes: 4 for f32, 8 for i64, 1 for bool.
 */
public record MemoryPlan(Graph graph, List<Integer> slotOf, List<Dim> slotBytes) {
  /** {@link #slotOf} of a value that lives outside the plan (fed, owned by the graph, or never computed). */
  public static final int OUTSIDE = -1;

  public MemoryPlan {
    slotOf = List.copyOf(slotOf);
    slotBytes = List.copyOf(slotBytes);
  }

  /** The plan of {@code graph}. */
  public static MemoryPlan of(Graph graph) {
    int n = graph.nodes().size();
    Liveness liveness = Liveness.of(graph);
    int[] root = new int[n];
    int[] end = new int[n];
    boolean[] outside = new boolean[n];
    for (Node node : graph.nodes()) {
      int id = node.id();
      boolean view = isView(node, graph);
      root[id] = view ? root[node.input(0)] : id;
      outside[id] = !liveness.isLive(id) || (view ? outside[node.input(0)] : node.op() instanceof Op.Input
          || node.op() instanceof Op.Parameter || node.op() instanceof Op.Constant);
      end[id] = id;
    }
    for (Node node : graph.nodes()) {
      if (liveness.isLive(node.id())) { // a view keeps its operand's buffer alive while it lives
        end[root[node.id()]] = Math.max(end[root[node.id()]], Math.min(liveness.lastReader(node.id()), n));
      }
    }
    List<List<Integer>> dyingAt = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      dyingAt.add(new ArrayList<>());
    }
    for (int id = 0; id < n; id++) {
      if (root[id] == id && !outside[id]) {
        dyingAt.get(end[id]).add(id);
      }
    }
    int[] slot = new int[n];
    Arrays.fill(slot, OUTSIDE);
    List<Dim> slotBytes = new ArrayList<>();
    Map<Dim, Deque<Integer>> free = new HashMap<>();
    for (Node node : graph.nodes()) {
      int id = node.id();
      if (outside[id]) {
        continue;
      }
      if (root[id] != id) {
        slot[id] = slot[root[id]];
        continue;
      }
      Dim bytes = bytes(node);
      Deque<Integer> reusable = free.get(bytes);
      if (reusable != null && !reusable.isEmpty()) {
        slot[id] = reusable.pop();
      } else {
        slot[id] = slotBytes.size();
        slotBytes.add(bytes);
      }
      for (int dead : dyingAt.get(id)) {
        free.computeIfAbsent(slotBytes.get(slot[dead]), k -> new ArrayDeque<>()).push(slot[dead]);
      }
    }
    return new MemoryPlan(graph, Arrays.stream(slot).boxed().toList(), slotBytes);
  }

  /** A value that is its operand's buffer read differently (or not at all differently). */
  private static boolean isView(Node node, Graph graph) {
    return node.op() instanceof Op.Reshape || node.op() instanceof Op.StopGradient
        || node.op() instanceof Op.Cast c && graph.node(node.input(0)).type().dtype() == c.to();
  }

  /** The bytes of a node's value. */
  public static Dim bytes(Node node) {
    long width = switch (node.type().dtype()) {
      case F32 -> 4;
      case I64 -> 8;
      case BOOL -> 1;
    };
    return node.type().shape().numel().times(Dim.of(width));
  }

  /** The number of slots. */
  public int slots() {
    return slotBytes.size();
  }

  /**
   * The bytes all slots take together: the memory the plan needs at its peak, since a slot is
   * allocated once and reused (symbols such as the batch size {@code N} stay symbols).
   */
  public Dim peakBytes() {
    Dim total = Dim.of(0);
    for (Dim d : slotBytes) {
      total = total.plus(d);
    }
    return total;
  }

  /**
   * The bytes the computed values would take if each had a buffer of its own (views excepted):
   * what the plan is measured against.
   */
  public Dim unsharedBytes() {
    Dim total = Dim.of(0);
    for (Node node : graph.nodes()) {
      if (slotOf.get(node.id()) != OUTSIDE && !isView(node, graph)) {
        total = total.plus(bytes(node));
      }
    }
    return total;
  }
}
