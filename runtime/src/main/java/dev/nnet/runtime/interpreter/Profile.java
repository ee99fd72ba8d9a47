package dev.nnet.runtime.interpreter;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of a graph's runs goes, node by node: what {@code torch.profiler}'s operator table
 * is to PyTorch. Pass one to {@link Executor#run(Map, long, Profile)};
 * it adds up the wall time of every node's kernel over all the runs it sees. Time outside the
 * kernels (the executor's bookkeeping, feeding batches) is the difference between a step's wall time
 * and {@link #totalNanos()}.
 *
 * <p>Not thread-safe: one profile per thread of runs.
 */
public final class Profile {
  private final Graph graph;
  private final long[] nanos;
  private final long[] calls;
  private long runs;

  /** An empty profile for runs of {@code graph}. */
  public Profile(Graph graph) {
    this.graph = graph;
    this.nanos = new long[graph.nodes().size()];
    this.calls = new long[graph.nodes().size()];
  }

  void record(int node, long elapsedNanos) {
    nanos[node] += elapsedNanos;
    calls[node]++;
  }

  void countRun() {
    runs++;
  }

  /** Runs seen so far. */
  public long runs() {
    return runs;
  }

  /** The time spent in kernels over all runs. */
  public long totalNanos() {
    long t = 0;
    for (long n : nanos) {
      t += n;
    }
    return t;
  }

  /** Kernel time by op kind ({@code matmul}, {@code add}, ...), largest first. */
  public Map<String, Long> byOp() {
    Map<String, Long> by = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      if (calls[node.id()] > 0) {
        by.merge(opName(node), nanos[node.id()], Long::sum);
      }
    }
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(by.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    Map<String, Long> out = new LinkedHashMap<>();
    sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /**
   * A plain-text report: time per op kind, then the {@code topNodes} most expensive nodes with their
   * IR text and source location, each with its share of the kernel time and its mean per run.
   */
  public String table(int topNodes) {
    StringBuilder sb = new StringBuilder();
    double total = Math.max(1, totalNanos());
    double perRun = Math.max(1, runs);
    sb.append(String.format("profile: %d runs, %.3f ms of kernels per run%n", runs, total / perRun / 1e6));
    sb.append(String.format("%-16s %8s %12s%n", "op", "share", "ms/run"));
    byOp().forEach((op, ns) ->
        sb.append(String.format("%-16s %7.1f%% %12.4f%n", op, 100 * ns / total, ns / perRun / 1e6)));
    List<Node> nodes = new ArrayList<>();
    for (Node node : graph.nodes()) {
      if (calls[node.id()] > 0) {
        nodes.add(node);
      }
    }
    nodes.sort(Comparator.comparingLong((Node n) -> nanos[n.id()]).reversed());
    sb.append(String.format("%nslowest nodes%n"));
    for (Node node : nodes.subList(0, Math.min(topNodes, nodes.size()))) {
      String where = node.span().isKnown() ? "  # " + node.span() : "";
      sb.append(String.format("%7.1f%% %10.4f ms  %%%d = %s : %s%s%n", 100 * nanos[node.id()] / total,
          nanos[node.id()] / perRun / 1e6, node.id(), node.op().text(), node.type(), where));
    }
    return sb.toString();
  }

  private static String opName(Node node) {
    String text = node.op().text();
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space);
  }
}
