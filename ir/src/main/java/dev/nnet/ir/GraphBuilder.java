package dev.nnet.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph} node by node, inferring each node's type from its op's rule as it goes,
 * so a shape error surfaces at the node (and source span) that causes it.
 *
 * <p>Identical pure nodes are shared (hash-consing) while tracing, which keeps differentiated graphs
 * small as they are built. Random ops are never shared. Rewrites such as removing a permute that
 * undoes another are the compiler's optimization passes ({@code dev.nnet.opt}), not the builder's.
 */
public final class GraphBuilder {
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Integer> outputs = new LinkedHashMap<>();
  private final Map<List<Object>, Integer> interned = new HashMap<>();
  private final Map<String, Integer> leaves = new HashMap<>();

  /** A handle to a node under construction: its id and type. */
  public record Value(int id, TensorType type) {
    public Shape shape() {
      return type.shape();
    }

    public DType dtype() {
      return type.dtype();
    }

    public int rank() {
      return type.rank();
    }
  }

  /**
   * Adds {@code op} applied to {@code inputs}. Throws {@link ShapeError} if the op's rule rejects
   * the operand types; nothing is added then.
   */
  public Value add(Op op, SourceSpan span, Value... inputs) throws ShapeError {
    if (op.arity() >= 0 && op.arity() != inputs.length) {
      throw new IllegalArgumentException(op.text() + " takes " + op.arity() + " inputs, got " + inputs.length);
    }
    List<TensorType> types = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (Value v : inputs) {
      types.add(v.type());
      ids.add(v.id());
    }
    TensorType type = op.infer(types);
    // Random ops must stay distinct; tensor constants compare by identity, so they are not shared either.
    boolean shareable = !(op instanceof Op.RandomUniform || op instanceof Op.RandomNormal || op instanceof Op.Constant);
    List<Object> key = List.of(op, ids);
    if (shareable) {
      Integer existing = interned.get(key);
      if (existing != null) {
        return new Value(existing, nodes.get(existing).type());
      }
    }
    int id = nodes.size();
    nodes.add(new Node(id, op, ids, type, span == null ? SourceSpan.NONE : span));
    if (shareable) {
      interned.put(key, id);
    }
    return new Value(id, type);
  }

  /** Like {@link #add} for ops whose rule cannot fail on these operands (used by passes). */
  public Value addChecked(Op op, SourceSpan span, Value... inputs) {
    try {
      return add(op, span, inputs);
    } catch (ShapeError e) {
      throw new IllegalStateException("internal shape error in " + op.text() + ": " + e.getMessage(), e);
    }
  }

  /** The input named {@code name}, created on first use. */
  public Value input(String name, TensorType type) {
    return input(name, type, SourceSpan.NONE);
  }

  /** The input named {@code name}, created on first use with {@code span} as where it is declared. */
  public Value input(String name, TensorType type, SourceSpan span) {
    return leaf(name, new Op.Input(name, type), span);
  }

  /** The parameter or state named {@code name}, created on first use. */
  public Value parameter(String name, TensorType type, boolean trainable) {
    return parameter(name, type, trainable, SourceSpan.NONE);
  }

  /** The parameter or state named {@code name}, created on first use, declared at {@code span}. */
  public Value parameter(String name, TensorType type, boolean trainable, SourceSpan span) {
    return leaf(name, new Op.Parameter(name, type, trainable), span);
  }

  /** Inputs and parameters are fed from one map by name, so a name may denote only one leaf. */
  private Value leaf(String name, Op op, SourceSpan span) {
    Integer id = leaves.get(name);
    if (id != null) {
      Node existing = nodes.get(id);
      if (existing.op().getClass() != op.getClass()) {
        throw new IllegalArgumentException("`" + name + "` names both an input and a parameter");
      }
      return new Value(id, existing.type());
    }
    Value v = addChecked(op, span);
    leaves.put(name, v.id());
    return v;
  }

  /** A scalar f32 constant. */
  public Value scalar(double value) {
    return addChecked(new Op.Fill(value, TensorType.f32(Shape.scalar())), SourceSpan.NONE);
  }

  /** The node with this id. */
  public Node node(int id) {
    return nodes.get(id);
  }

  /** The value already in the graph with this id. */
  public Value value(int id) {
    return new Value(id, nodes.get(id).type());
  }

  /** Marks {@code v} as the output {@code name}. */
  public void output(String name, Value v) {
    outputs.put(name, v.id());
  }

  public int size() {
    return nodes.size();
  }

  public Graph build() {
    return new Graph(nodes, outputs);
  }

  /** Axes 0..rank-1, handy for full reductions. */
  public static List<Integer> allAxes(int rank) {
    return java.util.stream.IntStream.range(0, rank).boxed().toList();
  }
}
