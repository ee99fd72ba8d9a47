package dev.nnet.opt;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A new graph built from an old one in node order, as every pass builds it: each old node is
 * copied (its operands renumbered), replaced by a new op, or forwarded to a node already in the
 * new graph. It checks what passes promise: a node's replacement has the node's type, and every
 * op's rule accepts its new operands.
 *
 * <p>Passes do not use {@link dev.nnet.ir.GraphBuilder}, because it merges equal nodes as it goes;
 * that is the job of {@link CommonSubexpressions}, and every other pass must keep the node list it
 * was given.
 */
final class GraphRewrite {
  private final Graph source;
  private final List<Node> nodes = new ArrayList<>();
  /** Old node id to the id of the node that now computes its value. */
  private final int[] mapped;

  GraphRewrite(Graph source) {
    this.source = source;
    this.mapped = new int[source.nodes().size()];
    Arrays.fill(mapped, -1);
  }

  /** The node of the new graph with this id. */
  Node node(int newId) {
    return nodes.get(newId);
  }

  /** The new node that computes old node {@code oldId}'s value. */
  int mapped(int oldId) {
    int id = mapped[oldId];
    if (id < 0) {
      throw new IllegalStateException("%" + oldId + " is used before it was rewritten");
    }
    return id;
  }

  /** The new ids of {@code old}'s operands. */
  List<Integer> operandIds(Node old) {
    return old.inputs().stream().map(this::mapped).toList();
  }

  /** The new nodes of {@code old}'s operands. */
  List<Node> operands(Node old) {
    return old.inputs().stream().map(i -> nodes.get(mapped(i))).toList();
  }

  /** Copies {@code old} with its operands renumbered. */
  int copy(Node old) {
    return replace(old, old.op(), operandIds(old));
  }

  /** Computes {@code old}'s value with {@code op} applied to new nodes {@code inputs}, keeping its span. */
  int replace(Node old, Op op, List<Integer> inputs) {
    int id = add(op, inputs, old.span());
    forward(old, id);
    return id;
  }

  /** Adds a node that no old node maps to (yet). */
  int add(Op op, List<Integer> inputs, SourceSpan span) {
    List<TensorType> types = inputs.stream().map(i -> nodes.get(i).type()).toList();
    TensorType type;
    try {
      type = op.infer(types);
    } catch (ShapeError e) {
      throw new IllegalStateException("a pass built an ill-typed " + op.text() + ": " + e.getMessage(), e);
    }
    int id = nodes.size();
    nodes.add(new Node(id, op, inputs, type, span));
    return id;
  }

  /** Lets the existing new node {@code newId} stand for {@code old}; it must have old's type. */
  void forward(Node old, int newId) {
    TensorType have = nodes.get(newId).type();
    if (!have.equals(old.type())) {
      throw new IllegalStateException("a pass replaced %" + old.id() + " (" + old.op().text() + " : " + old.type()
          + ") by a value of type " + have);
    }
    mapped[old.id()] = newId;
  }

  /** The new graph, with the old graph's outputs renumbered. */
  Graph finish() {
    Map<String, Integer> outputs = new LinkedHashMap<>();
    source.outputs().forEach((name, id) -> outputs.put(name, mapped(id)));
    return new Graph(nodes, outputs);
  }
}
