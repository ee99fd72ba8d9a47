package dev.nnet.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which nodes of a graph need to run, and after which node each value is read for the last time:
 * the analysis that every way of reusing memory rests on, from the optimizer's static
 * {@code MemoryPlan} to the interpreter's buffer pool and generated code. It lives with the IR so
 * that backends in the runtime use the same answer as the compiler's passes.
 *
 * <p>Nodes run in graph order. A node is live if some output depends on it. A live value dies
 * after its last live reader runs; a graph output never dies; a live value that nothing reads (a
 * scan whose results are read through {@link Op.ScanResult} nodes excepted) dies right after its
 * own node.
 */
public final class Liveness {
  /** {@link #lastReader} of a graph output: it outlives the run. */
  public static final int OUTPUT = Integer.MAX_VALUE;

  private final boolean[] live;
  private final int[] lastReader;
  private final List<List<Integer>> dyingAfter;

  private Liveness(boolean[] live, int[] lastReader) {
    this.live = live;
    this.lastReader = lastReader;
    this.dyingAfter = new ArrayList<>();
    for (int i = 0; i < live.length; i++) {
      dyingAfter.add(new ArrayList<>());
    }
    for (int id = 0; id < live.length; id++) {
      if (live[id] && lastReader[id] != OUTPUT) {
        dyingAfter.get(lastReader[id]).add(id);
      }
    }
  }

  /** The liveness of {@code graph}'s nodes. */
  public static Liveness of(Graph graph) {
    int n = graph.nodes().size();
    boolean[] live = new boolean[n];
    for (int id : graph.outputs().values()) {
      live[id] = true;
    }
    for (int id = n - 1; id >= 0; id--) {
      if (live[id]) {
        for (int in : graph.node(id).inputs()) {
          live[in] = true;
        }
      }
    }
    int[] lastReader = new int[n];
    for (int id = 0; id < n; id++) {
      lastReader[id] = id;
    }
    for (Node node : graph.nodes()) {
      if (live[node.id()]) {
        for (int in : node.inputs()) {
          lastReader[in] = Math.max(lastReader[in], node.id());
        }
      }
    }
    for (int id : graph.outputs().values()) {
      lastReader[id] = OUTPUT;
    }
    return new Liveness(live, lastReader);
  }

  /** True if some output depends on node {@code id}, so it must run. */
  public boolean isLive(int id) {
    return live[id];
  }

  /**
   * The last live node that reads value {@code id} ({@code id} itself if none does), or
   * {@link #OUTPUT}. Meaningful for live nodes.
   */
  public int lastReader(int id) {
    return lastReader[id];
  }

  /** The live values that are dead once node {@code id} has run (their last reader is {@code id}). */
  public List<Integer> dyingAfter(int id) {
    return dyingAfter.get(id);
  }

  @Override
  public String toString() {
    return "Liveness" + Arrays.toString(lastReader);
  }
}
