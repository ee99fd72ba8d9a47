package dev.nnet.opt;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.Shape;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batching ("vmap", as JAX's {@code jax.vmap}): from a graph that computes one sample, a graph
 * that computes many at once. The chosen inputs gain a leading axis {@code rows}; every value that
 * depends on them gains it too, and each op is rewritten by its rule so that row {@code i} of
 * every output is what the per-sample graph computes from row {@code i} of every input. Values
 * that depend on no batched input (constants, fills, {@code arange}) are computed once, shared by
 * every row, and broadcast where they meet a batched value.
 *
 * <p>Why: a data declaration's fields are per-sample expressions, and running their graph once per
 * row made loading Fashion-MNIST 60,000 runs of a tiny graph. Batched, it is a few runs of large
 * kernels.
 *
 * <p>The rules, with per-sample ranks and axes: elementwise ops and {@code where} keep their op,
 * but a batched operand of lower rank than the result is reshaped to {@code [rows, 1, .., 1, ...]}
 * first, since NumPy broadcasting aligns from the right and would otherwise line {@code rows} up
 * with a per-sample axis (a shared operand aligns correctly as it is); reductions, {@code argmax},
 * slices, concatenation, padding and flips shift their axes by one; a reshape or expand prepends
 * {@code rows} to its target; a permutation keeps axis 0 first; matrix products broadcast
 * {@code rows} as a leading dim; windows, {@code one_hot} and gathers from a shared table act on
 * the trailing dims and keep leading ones as they are. Random draws are never batched (each sample
 * draws its own numbers, keyed by its row), nor are scans (their bodies may draw), convolutions
 * (their input already has a batch axis of its own), scatters and gathers from a batched table:
 * every output that needs one of those is reported in {@link BatchedGraph#unbatched} with the
 * reason, and the caller computes it sample by sample. The dispatch is an {@link OpVisitor}, so a
 * new op must say how it batches.
 */
public final class Batching {
  private final Set<String> batchedInputs;
  private final Dim rows;
  private final List<Node> nodes = new ArrayList<>();

  /**
   * How an old node's value is computed in the batched graph: node {@code id}, which has the
   * leading {@code rows} axis when {@code perRow}, and is the per-sample value shared by every row
   * otherwise.
   */
  private record Value(int id, boolean perRow) {}

  /** An op that has no batching rule for the operands it has here; {@code why} says why. */
  private static final class CannotBatch extends RuntimeException {
    CannotBatch(String why) {
      super(why, null, false, false);
    }
  }

  private Batching(Set<String> batchedInputs, Dim rows) {
    this.batchedInputs = batchedInputs;
    this.rows = rows;
  }

  /**
   * Batches {@code perSample} over the inputs named in {@code batchedInputs}.
   *
   * @param perSample a graph computing one sample; its other inputs (and parameters) are shared by every row
   * @param batchedInputs the inputs that get a leading {@code rows} axis
   * @param rows the leading axis: a symbol that {@code perSample}'s types do not use (see {@link #freshSymbol}),
   *     or a concrete size
   * @return the batched graph of the outputs that could be batched, and why each other output could not
   */
  public static BatchedGraph batch(Graph perSample, Set<String> batchedInputs, Dim rows) {
    for (Node n : perSample.nodes()) {
      if (rows.symbolName() != null && n.type().shape().dims().stream().anyMatch(d -> d.symbols().contains(rows.symbolName()))) {
        throw new IllegalArgumentException("the rows axis `" + rows + "` is already a symbol of the graph (%" + n.id()
            + " : " + n.type() + ")");
      }
    }
    return new Batching(Set.copyOf(batchedInputs), rows).run(perSample);
  }

  /** {@code base}, or {@code base} followed by a number, whichever first names no symbol of {@code graph}'s types. */
  public static Dim freshSymbol(Graph graph, String base) {
    Set<String> used = new java.util.HashSet<>();
    for (Node n : graph.nodes()) {
      n.type().shape().dims().forEach(d -> used.addAll(d.symbols()));
    }
    String name = base;
    for (int k = 1; used.contains(name); k++) {
      name = base + k;
    }
    return Dim.symbol(name);
  }

  private BatchedGraph run(Graph source) {
    Value[] values = new Value[source.nodes().size()];
    String[] failures = new String[source.nodes().size()];
    for (Node n : source.nodes()) {
      String failedOperand = n.inputs().stream().map(i -> failures[i]).filter(f -> f != null).findFirst().orElse(null);
      if (failedOperand != null) {
        failures[n.id()] = failedOperand;
        continue;
      }
      List<Value> operands = n.inputs().stream().map(i -> values[i]).toList();
      try {
        values[n.id()] = n.op().accept(new Rule(n, operands));
      } catch (CannotBatch e) {
        failures[n.id()] = "`" + n.op().text() + "` at " + n.span() + " cannot be batched: " + e.getMessage();
      }
    }
    Map<String, Integer> outputs = new LinkedHashMap<>();
    Map<String, String> unbatched = new LinkedHashMap<>();
    for (var out : source.outputNodes().entrySet()) {
      Node n = out.getValue();
      if (failures[n.id()] != null) {
        unbatched.put(out.getKey(), failures[n.id()]);
      } else {
        // An output that no batched input reaches (a constant field) is the same in every row.
        outputs.put(out.getKey(), new Rule(n, List.of()).withRows(values[n.id()], n.type()));
      }
    }
    // Shared values and reshapes made for outputs that turned out unbatchable are left unread, and
    // so are inputs only those outputs read: the batched graph is fed only what it reads.
    return new BatchedGraph(DeadCode.prune(new Graph(nodes, outputs), outputs.keySet()), rows, unbatched);
  }

  /** Adds a node and checks its op's rule accepts its operands. */
  private int add(Op op, List<Integer> inputs, Node origin) {
    List<TensorType> types = inputs.stream().map(i -> nodes.get(i).type()).toList();
    TensorType type;
    try {
      type = op.infer(types);
    } catch (ShapeError e) {
      throw new IllegalStateException("batching built an ill-typed " + op.text() + " for %" + origin.id() + ": "
          + e.getMessage(), e);
    }
    int id = nodes.size();
    nodes.add(new Node(id, op, inputs, type, origin.span()));
    return id;
  }

  private TensorType withRowsAxis(TensorType perSample) {
    return perSample.withShape(prepend(rows, perSample.shape()));
  }

  private static Shape prepend(Dim first, Shape shape) {
    List<Dim> dims = new ArrayList<>();
    dims.add(first);
    dims.addAll(shape.dims());
    return new Shape(dims);
  }

  /** Per-sample axes as axes of the batched value: one further right. */
  private static List<Integer> shifted(List<Integer> axes) {
    return axes.stream().map(a -> a + 1).toList();
  }

  /** Per-axis padding of a batched value: none along {@code rows}. */
  private static List<Integer> withZeroFirst(List<Integer> pads) {
    List<Integer> out = new ArrayList<>();
    out.add(0);
    out.addAll(pads);
    return out;
  }

  /** The batching rule of one node, given how its operands are computed. */
  private final class Rule implements OpVisitor<Value> {
    private final Node node;
    private final List<Value> operands;

    Rule(Node node, List<Value> operands) {
      this.node = node;
      this.operands = operands;
    }

    private boolean anyPerRow() {
      return operands.stream().anyMatch(Value::perRow);
    }

    /** The node's op over its operands, all shared: a shared value. */
    private Value shared() {
      int id = add(node.op(), operands.stream().map(Value::id).toList(), node);
      check(id, node.type());
      return new Value(id, false);
    }

    /** {@code op} over new nodes {@code inputs}, which computes the node's value for every row. */
    private Value perRow(Op op, List<Integer> inputs) {
      int id = add(op, inputs, node);
      check(id, withRowsAxis(node.type()));
      return new Value(id, true);
    }

    /** The node's own op over operands with rows as they are: for ops that act on trailing dims. */
    private Value sameOpPerRow() {
      return perRow(node.op(), operands.stream().map(Value::id).toList());
    }

    private void check(int id, TensorType want) {
      TensorType have = nodes.get(id).type();
      if (!have.equals(want)) {
        throw new IllegalStateException("batching gave %" + node.id() + " (" + node.op().text() + " : " + node.type()
            + ") the type " + have + ", not " + want);
      }
    }

    /** {@code value} (of per-sample type {@code type}) with the rows axis: a shared value is expanded. */
    int withRows(Value value, TensorType type) {
      return value.perRow() ? value.id() : add(new Op.Expand(withRowsAxis(type).shape()), List.of(value.id()), node);
    }

    /** Operand {@code k} with the rows axis. */
    private int withRows(int k) {
      return withRows(operands.get(k), operandType(k));
    }

    private TensorType operandType(int k) {
      return nodes.get(operands.get(k).id()).type().withShape(perSampleShape(k));
    }

    private Shape perSampleShape(int k) {
      Shape s = nodes.get(operands.get(k).id()).type().shape();
      return operands.get(k).perRow() ? new Shape(s.dims().subList(1, s.rank())) : s;
    }

    /**
     * Operand {@code k} ready to broadcast against values of per-sample rank {@code rank}: a batched
     * operand of lower rank gets size-1 axes after {@code rows}, so that right-aligned broadcasting
     * lines {@code rows} up with {@code rows}; a shared operand already aligns as it is.
     */
    private int aligned(int k, int rank) {
      Value v = operands.get(k);
      Shape perSample = perSampleShape(k);
      if (!v.perRow() || perSample.rank() == rank) {
        return v.id();
      }
      List<Dim> dims = new ArrayList<>();
      dims.add(rows);
      for (int i = perSample.rank(); i < rank; i++) {
        dims.add(Dim.of(1));
      }
      dims.addAll(perSample.dims());
      return add(new Op.Reshape(new Shape(dims)), List.of(v.id()), node);
    }

    /** Every operand aligned to the node's per-sample rank, then the node's own op. */
    private Value broadcasting() {
      if (!anyPerRow()) {
        return shared();
      }
      List<Integer> ids = new ArrayList<>();
      for (int k = 0; k < operands.size(); k++) {
        ids.add(aligned(k, node.type().rank()));
      }
      return perRow(node.op(), ids);
    }

    /** A one-operand op: shared if its operand is, else {@code batched} over the operand with rows. */
    private Value unaryMovement(Op batched) {
      return anyPerRow() ? perRow(batched, List.of(operands.get(0).id())) : shared();
    }

    // ---- leaves

    @Override
    public Value input(Op.Input op) {
      if (batchedInputs.contains(op.name())) {
        return perRow(new Op.Input(op.name(), withRowsAxis(op.type())), List.of());
      }
      return shared();
    }

    @Override
    public Value parameter(Op.Parameter op) {
      return shared(); // the same weights for every sample
    }

    @Override
    public Value constant(Op.Constant op) {
      return shared();
    }

    @Override
    public Value fill(Op.Fill op) {
      return shared();
    }

    @Override
    public Value arange(Op.Arange op) {
      return shared();
    }

    // ---- elementwise

    @Override
    public Value unary(Op.Unary op) {
      return broadcasting();
    }

    @Override
    public Value binary(Op.Binary op) {
      return broadcasting();
    }

    @Override
    public Value where(Op.Where op) {
      return broadcasting();
    }

    @Override
    public Value cast(Op.Cast op) {
      return broadcasting();
    }

    @Override
    public Value stopGradient(Op.StopGradient op) {
      return broadcasting();
    }

    // ---- movement

    @Override
    public Value reshape(Op.Reshape op) {
      return unaryMovement(new Op.Reshape(prepend(rows, op.target())));
    }

    @Override
    public Value permute(Op.Permute op) {
      List<Integer> order = new ArrayList<>();
      order.add(0);
      order.addAll(shifted(op.order()));
      return unaryMovement(new Op.Permute(order));
    }

    @Override
    public Value expand(Op.Expand op) {
      if (!anyPerRow()) {
        return shared();
      }
      return perRow(new Op.Expand(prepend(rows, op.target())), List.of(aligned(0, op.target().rank())));
    }

    @Override
    public Value slice(Op.Slice op) {
      return unaryMovement(new Op.Slice(op.axis() + 1, op.start(), op.end(), op.step()));
    }

    @Override
    public Value concat(Op.Concat op) {
      if (!anyPerRow()) {
        return shared();
      }
      List<Integer> ids = new ArrayList<>();
      for (int k = 0; k < operands.size(); k++) {
        ids.add(withRows(k));
      }
      return perRow(new Op.Concat(op.axis() + 1), ids);
    }

    @Override
    public Value pad(Op.Pad op) {
      return unaryMovement(new Op.Pad(op.mode(), withZeroFirst(op.before()), withZeroFirst(op.after()), op.value()));
    }

    @Override
    public Value padTranspose(Op.PadTranspose op) {
      return unaryMovement(new Op.PadTranspose(op.mode(), withZeroFirst(op.before()), withZeroFirst(op.after())));
    }

    @Override
    public Value flip(Op.Flip op) {
      return unaryMovement(new Op.Flip(shifted(op.axes())));
    }

    // ---- reductions

    @Override
    public Value reduce(Op.Reduce op) {
      return unaryMovement(new Op.Reduce(op.fn(), shifted(op.axes()), op.keepDims()));
    }

    @Override
    public Value argMax(Op.ArgMax op) {
      return unaryMovement(new Op.ArgMax(op.axis() + 1));
    }

    @Override
    public Value window(Op.Window op) {
      return anyPerRow() ? sameOpPerRow() : shared(); // windows slide over trailing dims only
    }

    @Override
    public Value windowSumTranspose(Op.WindowSumTranspose op) {
      return anyPerRow() ? sameOpPerRow() : shared();
    }

    // ---- contractions

    @Override
    public Value matMul(Op.MatMul op) {
      // Leading dims broadcast from the right like elementwise operands: rows leads the result.
      return broadcasting();
    }

    @Override
    public Value conv(Op.Conv op) {
      return sharedOr("a convolution's input already has a batch axis of its own");
    }

    @Override
    public Value convTranspose(Op.ConvTranspose op) {
      return sharedOr("a convolution's input already has a batch axis of its own");
    }

    @Override
    public Value convFilterGrad(Op.ConvFilterGrad op) {
      return sharedOr("a convolution's input already has a batch axis of its own");
    }

    // ---- indexing

    @Override
    public Value oneHot(Op.OneHot op) {
      return anyPerRow() ? sameOpPerRow() : shared(); // one row of classes per index, whatever leads
    }

    @Override
    public Value gather(Op.Gather op) {
      if (!anyPerRow()) {
        return shared();
      }
      if (operands.get(0).perRow()) {
        throw new CannotBatch("the table differs per sample (only indices into a shared table are batched)");
      }
      return sameOpPerRow(); // leading index dims pick rows of the shared table
    }

    @Override
    public Value scatterAdd(Op.ScatterAdd op) {
      return sharedOr("a scatter adds into rows of its own");
    }

    @Override
    public Value windowMaxGrad(Op.WindowMaxGrad op) {
      if (!anyPerRow()) {
        return shared();
      }
      return perRow(op, List.of(withRows(0), withRows(1)));
    }

    // ---- random and control

    @Override
    public Value randomUniform(Op.RandomUniform op) {
      throw new CannotBatch("each sample draws its own numbers, keyed by its row");
    }

    @Override
    public Value randomNormal(Op.RandomNormal op) {
      throw new CannotBatch("each sample draws its own numbers, keyed by its row");
    }

    @Override
    public Value randomPermutation(Op.RandomPermutation op) {
      throw new CannotBatch("each sample draws its own numbers, keyed by its row");
    }

    @Override
    public Value categorical(Op.Categorical op) {
      throw new CannotBatch("each sample draws its own numbers, keyed by its row");
    }

    @Override
    public Value scan(Op.Scan op) {
      throw new CannotBatch("scans are not batched (a body may draw random numbers per sample)");
    }

    @Override
    public Value scanResult(Op.ScanResult op) {
      return sharedOr("scans are not batched"); // its scan has failed already, so this is not reached
    }

    private Value sharedOr(String whyNot) {
      if (anyPerRow()) {
        throw new CannotBatch(whyNot);
      }
      return shared();
    }
  }
}
