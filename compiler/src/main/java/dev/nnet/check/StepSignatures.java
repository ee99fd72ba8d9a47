package dev.nnet.check;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Signature} of a lowered graph: an input slot for each input and parameter node,
 * with the role the lowering gave its name, and the output slots the lowering declared as it added
 * the outputs. The result is validated against the graph.
 */
final class StepSignatures {
  private StepSignatures() {}

  /**
   * The signature of {@code graph}; {@code roles} gives the role of every input name the graph may
   * have, {@code outputs} the slots of its outputs (those the graph lacks, after pruning, are left out).
   *
   * @throws IllegalStateException if the graph has an input without a role (a compiler bug)
   */
  static Signature of(Graph graph, Map<String, Signature.InputRole> roles, List<Signature.OutputSlot> outputs) {
    List<Signature.InputSlot> inputs = new ArrayList<>();
    for (Node n : graph.nodes()) {
      String name = n.op() instanceof Op.Input in ? in.name() : n.op() instanceof Op.Parameter p ? p.name() : null;
      if (name == null) {
        continue;
      }
      Signature.InputRole role = roles.get(name);
      if (role == null) {
        throw new IllegalStateException("the lowered graph has an input `" + name + "` with no role");
      }
      inputs.add(new Signature.InputSlot(name, role, n.type()));
    }
    List<Signature.OutputSlot> kept = outputs.stream().filter(o -> graph.outputs().containsKey(o.name())).toList();
    return new Signature(inputs, kept).validate(graph);
  }
}
