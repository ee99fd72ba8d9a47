package dev.nnet.opt;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Liveness;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A static buffer assignment for one graph, over symbolic sizes: every value the graph computes
 * gets a slot, and a slot holds one value at a time.
 *
 * <p>The plan follows a schedule: steps in the order they run, each defining some values and
 * reading others. By default ({@link #of(Graph)}, {@link #of(Graph, SlotStorage)}) each node
 * that runs is a step of its own, in graph order, and liveness is {@link Liveness}'s, the same the
 * interpreter frees its buffers by; a code generator that runs several nodes in one step (a fused
 * loop) or in another order passes its own schedule ({@link #of(Graph, SlotStorage, List, Map)}).
 * A value lives from the step that defines it to the last step that reads it (graph outputs to the
 * end); values no step defines (nodes that are not run, or never stored) get no slot. Steps are
 * visited in order; a value takes a free slot of its {@link SlotStorage.Element#kind() kind} whose
 * size in bytes equals its own as a {@link Dim} (so {@code [N, 64]} f32 and {@code [64, N]} f32
 * share, {@code [N, 64]} and {@code [N, 10]} never do), else a new slot; the slots of values whose
 * last reader is a step are freed after it, since an operand is still read while the step runs.
 *
 * <p>Views (by default reshape, stop-gradient and a cast to the same dtype; a schedule names its
 * own) share their operand's slot and keep it alive as long as they live. Outside the plan live:
 * inputs, parameters and constants (fed or owned by the graph), values of a dtype the storage does
 * not plan (the Java backend keeps i64 index tensors out: {@code long[]} is not {@code float[]}),
 * values a schedule does not define (the Java backend leaves graph outputs out, since they are
 * handed to the caller), and every view of an outside value.
 *
 * <p>Sizes are in bytes: with the default {@link SlotStorage#BYTES}, 4 for f32, 8 for i64, 1 for
 * bool, and values of any dtypes share when their byte sizes are equal.
 *
 * @param slotOf each node's slot, or {@link #OUTSIDE}
 * @param slotBytes each slot's size in bytes
 * @param slotKind each slot's {@link SlotStorage.Element#kind() kind} of storage
 */
public record MemoryPlan(Graph graph, List<Integer> slotOf, List<Dim> slotBytes, List<String> slotKind) {
  /** {@link #slotOf} of a value that lives outside the plan (fed, owned by the graph, or never computed). */
  public static final int OUTSIDE = -1;

  public MemoryPlan {
    slotOf = List.copyOf(slotOf);
    slotBytes = List.copyOf(slotBytes);
    slotKind = List.copyOf(slotKind);
  }

  /**
   * One step of a schedule: the values it defines (computes and stores) and those it reads from
   * earlier steps. A value used only inside the step (a fused loop's temporary) is in neither.
   */
  public record Step(List<Integer> defines, Collection<Integer> reads) {
    public Step {
      defines = List.copyOf(defines);
      reads = List.copyOf(reads);
    }
  }

  /** The plan of {@code graph} in untyped memory ({@link SlotStorage#BYTES}), node by node. */
  public static MemoryPlan of(Graph graph) {
    return of(graph, SlotStorage.BYTES);
  }

  /** The plan of {@code graph} with {@code storage}'s slot kinds, one step per node that runs, in graph order. */
  public static MemoryPlan of(Graph graph, SlotStorage storage) {
    Liveness liveness = Liveness.of(graph);
    List<Step> schedule = new ArrayList<>();
    Map<Integer, Integer> viewOf = new HashMap<>();
    for (Node node : graph.nodes()) {
      Op op = node.op();
      if (!liveness.isLive(node.id()) || op instanceof Op.Input || op instanceof Op.Parameter || op instanceof Op.Constant) {
        continue;
      }
      schedule.add(new Step(List.of(node.id()), node.inputs()));
      if (isView(node, graph)) {
        viewOf.put(node.id(), node.input(0));
      }
    }
    return of(graph, storage, schedule, viewOf);
  }

  /**
   * The plan of {@code graph} run as {@code schedule}.
   *
   * @param storage which dtypes are planned, in which kinds of slot
   * @param schedule the steps in the order they run; a value defined by no step lives outside
   * @param viewOf each view's operand, whose array the view shares (a view must be defined by a
   *     step too, no earlier than its operand)
   */
  public static MemoryPlan of(Graph graph, SlotStorage storage, List<Step> schedule, Map<Integer, Integer> viewOf) {
    int n = graph.nodes().size();
    int steps = schedule.size();
    int[] root = new int[n];
    for (int id = 0; id < n; id++) {
      int r = id;
      for (int hops = 0; viewOf.containsKey(r); hops++) {
        if (hops > n) {
          throw new IllegalArgumentException("views form a cycle at %" + id);
        }
        r = viewOf.get(r);
      }
      root[id] = r;
    }
    int[] born = new int[n];
    Arrays.fill(born, -1);
    for (int s = 0; s < steps; s++) {
      for (int id : schedule.get(s).defines()) {
        born[id] = s;
      }
    }
    boolean[] planned = new boolean[n];
    for (int id = 0; id < n; id++) {
      Node node = graph.node(id);
      Op op = node.op();
      planned[id] = root[id] == id && born[id] >= 0 && !(op instanceof Op.Input || op instanceof Op.Parameter
          || op instanceof Op.Constant) && storage.element(node.type().dtype()).isPresent();
    }
    // A value lives to the last step that reads it or any of its views (outputs: past the last step).
    int[] end = born.clone();
    for (int s = 0; s < steps; s++) {
      for (int id : schedule.get(s).reads()) {
        end[root[id]] = Math.max(end[root[id]], s);
      }
      for (int id : schedule.get(s).defines()) {
        end[root[id]] = Math.max(end[root[id]], s);
      }
    }
    for (int id : graph.outputs().values()) {
      end[root[id]] = steps;
    }
    List<List<Integer>> dyingAfter = new ArrayList<>();
    for (int s = 0; s <= steps; s++) {
      dyingAfter.add(new ArrayList<>());
    }
    for (int id = 0; id < n; id++) {
      if (planned[id]) {
        dyingAfter.get(end[id]).add(id);
      }
    }
    int[] slot = new int[n];
    Arrays.fill(slot, OUTSIDE);
    List<Dim> slotBytes = new ArrayList<>();
    List<String> slotKind = new ArrayList<>();
    Map<List<Object>, Deque<Integer>> free = new HashMap<>();
    for (int s = 0; s < steps; s++) {
      for (int id : schedule.get(s).defines()) {
        if (!planned[id]) {
          continue;
        }
        Node node = graph.node(id);
        SlotStorage.Element element = storage.element(node.type().dtype()).orElseThrow();
        Dim bytes = node.type().shape().numel().times(Dim.of(element.bytes()));
        Deque<Integer> reusable = free.get(List.of(element.kind(), bytes));
        if (reusable != null && !reusable.isEmpty()) {
          slot[id] = reusable.pop();
        } else {
          slot[id] = slotBytes.size();
          slotBytes.add(bytes);
          slotKind.add(element.kind());
        }
      }
      for (int dead : dyingAfter.get(s)) {
        int k = slot[dead];
        free.computeIfAbsent(List.of(slotKind.get(k), slotBytes.get(k)), key -> new ArrayDeque<>()).push(k);
      }
    }
    for (int id = 0; id < n; id++) {
      if (root[id] != id && born[id] >= 0) {
        slot[id] = slot[root[id]];
      }
    }
    return new MemoryPlan(graph, Arrays.stream(slot).boxed().toList(), slotBytes, slotKind);
  }

  /** A value that is its operand's buffer read differently (or not at all differently). */
  private static boolean isView(Node node, Graph graph) {
    return node.op() instanceof Op.Reshape || node.op() instanceof Op.StopGradient
        || node.op() instanceof Op.Cast c && graph.node(node.input(0)).type().dtype() == c.to();
  }

  /** The bytes of a node's value in untyped memory ({@link SlotStorage#BYTES}). */
  public static Dim bytes(Node node) {
    Optional<SlotStorage.Element> e = SlotStorage.BYTES.element(node.type().dtype());
    return node.type().shape().numel().times(Dim.of(e.orElseThrow().bytes()));
  }

  /** The number of slots. */
  public int slots() {
    return slotBytes.size();
  }

  /** The values in slot {@code k} (views included), in graph order. */
  public List<Integer> valuesIn(int k) {
    List<Integer> values = new ArrayList<>();
    for (int id = 0; id < slotOf.size(); id++) {
      if (slotOf.get(id) == k) {
        values.add(id);
      }
    }
    return values;
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
      int k = slotOf.get(node.id());
      if (k != OUTSIDE && !sharesWithOperand(node)) {
        total = total.plus(slotBytes.get(k));
      }
    }
    return total;
  }

  /** A view: a computed value never shares its operand's slot, as the operand is read while it is computed. */
  private boolean sharesWithOperand(Node node) {
    return !node.inputs().isEmpty() && slotOf.get(node.input(0)).equals(slotOf.get(node.id()))
        && slotOf.get(node.id()) != OUTSIDE;
  }
}
