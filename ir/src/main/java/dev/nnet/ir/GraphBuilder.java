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
 * <p>A builder may have a parent: the body of a {@link Op.Scan} is built by a {@link #child()} of
 * the graph that contains the scan. Using a parent's value in a child captures it: the child gets
 * an input {@code const<k>} for it, and {@link #captures()} lists the captured values in order, to
 * be passed to the scan as its constant operands (the weights an RNN cell reads).
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
  private final GraphBuilder parent;
  /**
   * The least salt that no random op of this builder's tree (its root and every child) has: the
   * next one {@link #nextSalt} gives. Only the root's counts.
   */
  private long freeSalt;
  /** The user's call being traced inside a library, for the spans of the nodes added (only the root's counts). */
  private SourceSpan.Call libraryCall;
  /** Values of ancestor builders used here, in order of first use, and the local inputs standing for them. */
  private final Map<Value, Value> captured = new LinkedHashMap<>();

  /** A builder for a top-level graph. */
  public GraphBuilder() {
    this(null);
  }

  private GraphBuilder(GraphBuilder parent) {
    this.parent = parent;
  }

  /** A builder for a sub-graph (a scan body) that may use this builder's values. */
  public GraphBuilder child() {
    return new GraphBuilder(this);
  }

  /** The values of ancestor builders this one has used, in the order of its {@code const<k>} inputs. */
  public List<Value> captures() {
    return List.copyOf(captured.keySet());
  }

  /**
   * Says that the nodes added from now on, in this builder's tree, are traced inside a library
   * function or layer that {@code call} in the user's code called (null: no longer). Each such node
   * whose span lies in another file than the call gets the call as its span's caller, so that an
   * error found while the graph runs names the user's line ({@link SourceSpan#calledFrom}). Spans in
   * the call's own file are the user's code (a function of theirs that the library calls back) and
   * stay as they are. Returns the call in effect before, to restore when the call ends.
   */
  public SourceSpan.Call enterLibraryCall(SourceSpan.Call call) {
    GraphBuilder root = root();
    SourceSpan.Call before = root.libraryCall;
    root.libraryCall = call;
    return before;
  }

  /** {@code span}, with the user's call that reached it while tracing inside a library. */
  private SourceSpan reachedThrough(SourceSpan span) {
    SourceSpan.Call call = root().libraryCall;
    if (call == null || span == null || !span.isKnown() || span.caller() != null || span.file().equals(call.at().file())) {
      return span;
    }
    return span.calledFrom(call);
  }

  /**
   * A salt for a new random op ({@link Op.Random#salt}) that no random op built by this builder's
   * tree has: one counter per traced program, shared with scan bodies, and kept above the salt of
   * any random op added here (a copied or inlined graph included). A counter rather than a hash of
   * the source position: two draws at one position (a layer called twice) need different salts,
   * and the counter gives them without bookkeeping. Salts are stable through every pass, which copy
   * ops as they are, so renumbering nodes never changes a draw.
   */
  public long nextSalt() {
    GraphBuilder root = root();
    return root.freeSalt++;
  }

  private GraphBuilder root() {
    GraphBuilder b = this;
    while (b.parent != null) {
      b = b.parent;
    }
    return b;
  }

  /** Raises the free salt above every salt {@code op} uses (a scan's body included). */
  private void reserveSalts(Op op) {
    GraphBuilder root = root();
    if (op instanceof Op.Random r) {
      root.freeSalt = Math.max(root.freeSalt, r.salt() + 1);
    } else if (op instanceof Op.Scan scan) {
      for (Node n : scan.body().nodes()) {
        reserveSalts(n.op());
      }
    }
  }

  /** A handle to a node under construction: its id, type and the builder it belongs to. */
  public record Value(int id, TensorType type, GraphBuilder owner) {
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
  public Value add(Op op, SourceSpan span, Value... given) throws ShapeError {
    Value[] inputs = given.clone();
    if (op.arity() >= 0 && op.arity() != inputs.length) {
      throw new IllegalArgumentException(op.text() + " takes " + op.arity() + " inputs, got " + inputs.length);
    }
    List<TensorType> types = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = local(inputs[i]);
    }
    for (Value v : inputs) {
      types.add(v.type());
      ids.add(v.id());
    }
    TensorType type = op.infer(types);
    reserveSalts(op);
    // Random ops must stay distinct; tensor constants compare by identity, so they are not shared either.
    boolean shareable = !(op instanceof Op.Random || op instanceof Op.Constant);
    List<Object> key = List.of(op, ids);
    if (shareable) {
      Integer existing = interned.get(key);
      if (existing != null) {
        return new Value(existing, nodes.get(existing).type(), this);
      }
    }
    int id = nodes.size();
    nodes.add(new Node(id, op, ids, type, span == null ? SourceSpan.NONE : reachedThrough(span)));
    if (shareable) {
      interned.put(key, id);
    }
    return new Value(id, type, this);
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
        throw new LeafNameTaken(name);
      }
      return new Value(id, existing.type(), this);
    }
    Value v = addChecked(op, span);
    leaves.put(name, v.id());
    return v;
  }

  /** A scalar f32 constant. */
  public Value scalar(double value) {
    return addChecked(new Op.Fill(value, TensorType.f32(Shape.scalar())), SourceSpan.NONE);
  }

  /**
   * Copies the nodes of {@code g} into this builder, with each of its inputs replaced by the value
   * {@code inputs} gives for its name; returns the copies of its outputs by name. (Differentiating
   * a scan inlines its body into the gradient's body.)
   */
  public Map<String, Value> inline(Graph g, Map<String, Value> inputs) {
    Value[] copies = new Value[g.nodes().size()];
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.Input in) {
        Value v = inputs.get(in.name());
        if (v == null) {
          throw new IllegalArgumentException("no value for input `" + in.name() + "` of the inlined graph");
        }
        copies[n.id()] = v;
      } else {
        copies[n.id()] = addChecked(n.op(), n.span(), n.inputs().stream().map(i -> copies[i]).toArray(Value[]::new));
      }
    }
    Map<String, Value> out = new LinkedHashMap<>();
    g.outputs().forEach((name, id) -> out.put(name, copies[id]));
    return out;
  }

  /** The node with this id. */
  public Node node(int id) {
    return nodes.get(id);
  }

  /** The value already in the graph with this id. */
  public Value value(int id) {
    return new Value(id, nodes.get(id).type(), this);
  }

  /** Marks {@code v} as the output {@code name}. */
  public void output(String name, Value v) {
    outputs.put(name, local(v).id());
  }

  /** {@code v} itself if it is this builder's, else the input that captures it from an ancestor. */
  private Value local(Value v) {
    if (v.owner() == this) {
      return v;
    }
    boolean ancestor = false;
    for (GraphBuilder b = parent; b != null; b = b.parent) {
      ancestor |= b == v.owner();
    }
    if (!ancestor) {
      throw new IllegalArgumentException("value %" + v.id() + " belongs to another graph");
    }
    Value existing = captured.get(v);
    if (existing != null) {
      return existing;
    }
    Value in = input("const" + captured.size(), v.type());
    captured.put(v, in);
    return in;
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
