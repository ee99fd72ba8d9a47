package dev.nnet.grad;

import dev.nnet.ir.DType;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode automatic differentiation as a graph transform: walks the graph built so far
 * backwards from a scalar output, applies each node's {@link GradientRules rule}, sums adjoints
 * of values used more than once, and appends the gradient computation to the same graph.
 */
public final class Differentiator {
  private Differentiator() {}

  /**
   * Appends to {@code graph} the gradients of {@code output} (a scalar f32) with respect to each of
   * {@code wrt}; a value that {@code output} does not depend on gets a zero gradient.
   */
  public static List<Value> gradients(GraphBuilder graph, Value output, List<Value> wrt) {
    if (output.rank() != 0 || output.dtype() != DType.F32) {
      throw new IllegalArgumentException("can only differentiate a scalar f32, got " + output.type());
    }
    GradientRules rules = new GradientRules(graph);
    boolean[] needed = reachingTargets(graph, output.id(), wrt);
    Map<Integer, Value> adjoint = new HashMap<>();
    // A scan has several results; their adjoints are gathered here, by result index, until the
    // walk reaches the scan itself, whose rule takes them all at once.
    Map<Integer, Value[]> scanAdjoints = new HashMap<>();
    adjoint.put(output.id(), graph.addChecked(new Op.Fill(1, TensorType.f32(Shape.scalar())), graph.node(output.id()).span()));
    for (int id = output.id(); id >= 0; id--) {
      Node node = graph.node(id);
      if (!needed[id]) {
        continue;
      }
      Value g = adjoint.get(id);
      if (node.op() instanceof Op.ScanResult r) {
        if (g != null) {
          Op.Scan scan = (Op.Scan) graph.node(node.input(0)).op();
          Value[] gathered = scanAdjoints.computeIfAbsent(node.input(0), k -> new Value[scan.carries() * 2 + scan.outputs()]);
          gathered[r.index()] = gathered[r.index()] == null ? g : rules.add(gathered[r.index()], g, node.span());
        }
        continue;
      }
      List<Value> inputGrads;
      if (node.op() instanceof Op.Scan) {
        Value[] gathered = scanAdjoints.get(id);
        if (gathered == null) {
          continue;
        }
        inputGrads = rules.scanBackward(node, java.util.Arrays.asList(gathered));
      } else if (g == null) {
        continue;
      } else {
        inputGrads = rules.backward(node, g);
      }
      for (int i = 0; i < inputGrads.size(); i++) {
        Value gi = inputGrads.get(i);
        int target = node.input(i);
        if (gi == null || !needed[target]) {
          continue;
        }
        Value prev = adjoint.get(target);
        adjoint.put(target, prev == null ? gi : rules.add(prev, gi, node.span()));
      }
    }
    List<Value> out = new ArrayList<>();
    for (Value w : wrt) {
      Value g = adjoint.get(w.id());
      out.add(g != null ? g : graph.addChecked(new Op.Fill(0, w.type()), graph.node(w.id()).span()));
    }
    return out;
  }

  /** Marks the nodes on some path from a target to the output: only those need adjoints. */
  private static boolean[] reachingTargets(GraphBuilder graph, int output, List<Value> wrt) {
    boolean[] reaches = new boolean[output + 1];
    for (Value w : wrt) {
      if (w.id() <= output) {
        reaches[w.id()] = true;
      }
    }
    for (int id = 0; id <= output; id++) {
      if (reaches[id]) {
        continue;
      }
      Node n = graph.node(id);
      if (n.op() instanceof Op.StopGradient) {
        continue;
      }
      for (int in : n.inputs()) {
        if (reaches[in]) {
          reaches[id] = true;
          break;
        }
      }
    }
    return reaches;
  }
}
