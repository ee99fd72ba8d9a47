package dev.nnet.backend.onnx;

import static dev.nnet.backend.onnx.OnnxGraph.attr;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.ConvGeometry;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.WindowFn;
import dev.nnet.ir.WindowGeometry;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the ONNX nodes (opset 17) that compute one IR node, and returns the name of the value
 * holding its result. One method per IR op and no default, so a new op is a compile error here
 * until it is exported or declared unexportable. Ops with no ONNX form for inference (random
 * draws, gradient-only ops) fail with a located {@link OnnxExportError}; a {@code scan} body is
 * translated by a translator of its own into an ONNX {@code Scan}'s subgraph.
 */
final class NodeTranslator implements OpVisitor<String> {
  private final Graph source;
  private final OnnxGraph g;
  private final ShapeTensors shapes;
  private final Map<String, Tensor> weights;
  /** The ONNX value each named {@link Op.Input} reads: a graph input, or in a loop body an outer value. */
  private final Map<String, String> inputs;
  /** The ONNX value of each IR node translated so far, by node id. */
  private final List<String> values = new ArrayList<>();
  private Node node;

  /**
   * Translates the nodes of {@code source} into {@code g}, with trained values from {@code weights}
   * and the values of its inputs, by name, from {@code inputs}.
   */
  NodeTranslator(Graph source, OnnxGraph g, ShapeTensors shapes, Map<String, Tensor> weights,
      Map<String, String> inputs) {
    this.source = source;
    this.g = g;
    this.shapes = shapes;
    this.weights = weights;
    this.inputs = inputs;
  }

  /** Translates {@code n} (its operands first: nodes come in id order) and returns its value's name. */
  String translate(Node n) throws OnnxExportError {
    node = n;
    try {
      String value = n.op().accept(this);
      values.add(value);
      return value;
    } catch (Failure f) {
      throw f.error;
    }
  }

  /** The ONNX value of IR node {@code id}. */
  String value(int id) {
    return values.get(id);
  }

  /** Visitor methods cannot throw checked exceptions; this carries one out of {@link #translate}. */
  private static final class Failure extends RuntimeException {
    final OnnxExportError error;

    Failure(OnnxExportError error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  private Failure unsupported(String what, String help) {
    return new Failure(OnnxExportError.at(node.span(), what, help));
  }

  /** {@code op} is the IR op's name, as `nnet compile --emit ir` prints it. */
  private Failure gradientOnly(String op) {
    return unsupported("`" + op + "` is part of a gradient computation and has no ONNX form for inference",
        "export a model whose prediction does not call `grad`");
  }

  /** {@code call} is the built-in that draws, as the user wrote it. */
  private Failure random(String call) {
    return unsupported("`" + call + "` draws random numbers, which an exported model cannot reproduce",
        "export a model whose prediction draws nothing at random (dropout draws only in training mode)");
  }

  private String in(int i) {
    return values.get(node.input(i));
  }

  private TensorType operandType(int i) {
    return source.node(node.input(i)).type();
  }

  private String out() {
    return g.fresh("n" + node.id());
  }

  private String emit(String opType, List<String> inputs, AttributeProto... attributes) {
    return g.node(opType, inputs, out(), attributes);
  }

  /** {@code s} as a run-time i64 shape tensor (see {@link ShapeTensors#of}). */
  private String shapeOf(Shape s) {
    try {
      return shapes.of(s, node.span());
    } catch (OnnxExportError e) {
      throw new Failure(e);
    }
  }

  /** {@code x} of shape {@code from} reshaped to {@code target} (see {@link ShapeTensors#reshapeTarget}). */
  private String reshape(String x, Shape from, Shape target, String output) {
    try {
      String shape = shapes.reshapeTarget(from, target, node.span());
      AttributeProto allowZero = attr("allowzero", ShapeTensors.hasZero(target) ? 1L : 0L);
      return g.node("Reshape", List.of(x, shape), output, allowZero);
    } catch (OnnxExportError e) {
      throw new Failure(e);
    }
  }


  // ---- leaves ---------------------------------------------------------------------------------

  @Override
  public String input(Op.Input op) {
    String value = inputs.get(op.name());
    if (value == null) {
      throw unsupported("input `" + op.name() + "` has no value in the exported graph",
          "report this: every input of a prediction graph should be fed");
    }
    return value;
  }

  @Override
  public String parameter(Op.Parameter op) {
    Tensor w = weights.get(op.name());
    if (w == null) {
      throw unsupported("there is no trained value for `" + op.name() + "`",
          "pass the checkpoint that this model was trained to with `--checkpoint`");
    }
    Shape want = node.type().shape();
    if (!want.isConcrete() || !Arrays.equals(want.sizes(), w.shape()) || w.dtype() != node.type().dtype()) {
      throw unsupported("the trained value of `" + op.name() + "` is " + w.dtype() + Arrays.toString(w.shape())
          + " but the model declares " + node.type(), "pass the checkpoint that this model was trained to");
    }
    return g.initializer(TensorProtos.of(op.name(), w));
  }

  @Override
  public String constant(Op.Constant op) {
    return g.initializer(TensorProtos.of(out(), op.value()));
  }

  @Override
  public String fill(Op.Fill op) {
    if (op.type().rank() == 0) {
      return g.initializer(TensorProtos.scalar(out(), op.type().dtype(), op.value()));
    }
    // ConstantOfShape keeps a large or batch-sized fill out of the file.
    TensorProto value = TensorProtos.scalar("value", op.type().dtype(), op.value(), 1);
    return emit("ConstantOfShape", List.of(shapeOf(op.type().shape())), attr("value", value));
  }

  @Override
  public String arange(Op.Arange op) {
    if (op.length().isConstant()) {
      int n = Math.toIntExact(op.length().constant());
      if (op.dtype() == DType.I64) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = Math.round(op.start() + i * op.step());
        }
        return g.initializer(TensorProtos.longs(out(), v, n));
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (op.start() + i * op.step());
      }
      return g.initializer(TensorProtos.floats(out(), DType.F32, v, n));
    }
    // start + i * step in double, as the reference kernel computes it: i is an exclusive running
    // sum of ones, since ONNX's Range would need the length as a scalar.
    String ones = g.node("ConstantOfShape", List.of(shapeOf(node.type().shape())),
        attr("value", TensorProto.newBuilder().setDataType(TensorProto.DataType.DOUBLE.getNumber()).addDims(1)
            .addDoubleData(1.0).build()));
    String index = g.node("CumSum", List.of(ones, g.longs(0)), attr("exclusive", 1L));
    String scaled = g.node("Mul", List.of(index, doubleScalar(op.step())));
    String shifted = g.node("Add", List.of(scaled, doubleScalar(op.start())));
    String rounded = op.dtype() == DType.I64 ? g.node("Round", List.of(shifted)) : shifted;
    return emit("Cast", List.of(rounded), attr("to", (long) TensorProtos.elementType(op.dtype()).getNumber()));
  }

  private String doubleScalar(double v) {
    return g.initializer(TensorProto.newBuilder().setName(g.fresh("f64")).setDataType(
        TensorProto.DataType.DOUBLE.getNumber()).addDoubleData(v).build());
  }

  // ---- elementwise ----------------------------------------------------------------------------

  @Override
  public String unary(Op.Unary op) {
    String type = switch (op.fn()) {
      case NEG -> "Neg";
      case EXP -> "Exp";
      case LOG -> "Log";
      case SQRT -> "Sqrt";
      case ABS -> "Abs";
      case SIGN -> "Sign";
      case TANH -> "Tanh";
      case SIGMOID -> "Sigmoid";
      case RECIPROCAL -> "Reciprocal";
      case SIN -> "Sin";
      case COS -> "Cos";
      case ERF -> "Erf";
      case FLOOR -> "Floor";
    };
    return emit(type, List.of(in(0)));
  }

  @Override
  public String binary(Op.Binary op) {
    List<String> operands = List.of(in(0), in(1));
    DType dtype = operandType(0).dtype();
    if (op.fn() == BinaryFn.DIV && dtype == DType.I64) {
      // nnet's i64 division floors (Python's //); ONNX's truncates. Exact in double below 2^53.
      AttributeProto toDouble = attr("to", (long) TensorProto.DataType.DOUBLE.getNumber());
      String q = g.node("Div", List.of(g.node("Cast", List.of(in(0)), toDouble), g.node("Cast", List.of(in(1)), toDouble)));
      return emit("Cast", List.of(g.node("Floor", List.of(q))), attr("to", (long) TensorProto.DataType.INT64.getNumber()));
    }
    if (dtype == DType.BOOL && (op.fn() == BinaryFn.MAX || op.fn() == BinaryFn.MIN)) {
      return emit(op.fn() == BinaryFn.MAX ? "Or" : "And", operands);
    }
    String type = switch (op.fn()) {
      case ADD -> "Add";
      case SUB -> "Sub";
      case MUL -> "Mul";
      case DIV -> "Div";
      case POW -> "Pow";
      case MAX -> "Max";
      case MIN -> "Min";
      case LT -> "Less";
      case LE -> "LessOrEqual";
      case GT -> "Greater";
      case GE -> "GreaterOrEqual";
      case EQ, NE -> "Equal";
      case AND -> "And";
      case OR -> "Or";
    };
    if (op.fn() == BinaryFn.NE) {
      return emit("Not", List.of(g.node(type, operands)));
    }
    return emit(type, operands);
  }

  @Override
  public String where(Op.Where op) {
    return emit("Where", List.of(in(0), in(1), in(2)));
  }

  @Override
  public String cast(Op.Cast op) {
    return emit("Cast", List.of(in(0)), attr("to", (long) TensorProtos.elementType(op.to()).getNumber()));
  }

  @Override
  public String stopGradient(Op.StopGradient op) {
    return emit("Identity", List.of(in(0)));
  }

  // ---- movement -------------------------------------------------------------------------------

  @Override
  public String reshape(Op.Reshape op) {
    return reshape(in(0), operandType(0).shape(), op.target(), out());
  }

  @Override
  public String permute(Op.Permute op) {
    return emit("Transpose", List.of(in(0)), attr("perm", op.order()));
  }

  @Override
  public String expand(Op.Expand op) {
    // ONNX's Expand broadcasts both ways, so a 1 keeps the operand's dim: only the dims that
    // actually grow need their size, and a batch dim the operand already has needs none.
    Shape from = operandType(0).shape();
    Shape to = op.target();
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < to.rank(); i++) {
      int j = i - (to.rank() - from.rank());
      boolean kept = j >= 0 && from.dim(j).equals(to.dim(i));
      dims.add(kept ? Dim.of(1) : to.dim(i));
    }
    return emit("Expand", List.of(in(0), shapeOf(new Shape(dims))));
  }

  @Override
  public String slice(Op.Slice op) {
    return emit("Slice", List.of(in(0), g.longs(op.start()), g.longs(op.end()), g.longs(op.axis()), g.longs(op.step())));
  }

  @Override
  public String concat(Op.Concat op) {
    List<String> operands = new ArrayList<>();
    for (int i = 0; i < node.inputs().size(); i++) {
      operands.add(in(i));
    }
    return emit("Concat", operands, attr("axis", (long) op.axis()));
  }

  @Override
  public String pad(Op.Pad op) {
    long[] pads = new long[op.before().size() * 2];
    for (int i = 0; i < op.before().size(); i++) {
      pads[i] = op.before().get(i);
      pads[i + op.before().size()] = op.after().get(i);
    }
    return switch (op.mode()) {
      case CONSTANT -> emit("Pad", List.of(in(0), g.longs(pads),
          g.initializer(TensorProtos.scalar(g.fresh("pad_value"), node.type().dtype(), op.value()))),
          attr("mode", "constant"));
      case REFLECT -> emit("Pad", List.of(in(0), g.longs(pads)), attr("mode", "reflect"));
      case REPLICATE -> emit("Pad", List.of(in(0), g.longs(pads)), attr("mode", "edge"));
      case CIRCULAR -> circularPad(op);
    };
  }

  /** Opset 17 has no wrap mode: each axis becomes (its last {@code before} cells, itself, its first {@code after}). */
  private String circularPad(Op.Pad op) {
    String x = in(0);
    for (int axis = 0; axis < op.before().size(); axis++) {
      int before = op.before().get(axis);
      int after = op.after().get(axis);
      if (before == 0 && after == 0) {
        continue;
      }
      List<String> parts = new ArrayList<>();
      if (before > 0) {
        parts.add(g.node("Slice", List.of(x, g.longs(-before), g.longs(Long.MAX_VALUE), g.longs(axis))));
      }
      parts.add(x);
      if (after > 0) {
        parts.add(g.node("Slice", List.of(x, g.longs(0), g.longs(after), g.longs(axis))));
      }
      x = g.node("Concat", parts, attr("axis", (long) axis));
    }
    return emit("Identity", List.of(x));
  }

  @Override
  public String padTranspose(Op.PadTranspose op) {
    throw gradientOnly("pad_transpose");
  }

  @Override
  public String flip(Op.Flip op) {
    int k = op.axes().size();
    long[] starts = new long[k];
    long[] ends = new long[k];
    long[] steps = new long[k];
    Arrays.fill(starts, -1);
    Arrays.fill(ends, Long.MIN_VALUE);
    Arrays.fill(steps, -1);
    return emit("Slice", List.of(in(0), g.longs(starts), g.longs(ends),
        g.longs(op.axes().stream().mapToLong(Integer::longValue).toArray()), g.longs(steps)));
  }

  // ---- reductions -----------------------------------------------------------------------------

  @Override
  public String reduce(Op.Reduce op) {
    if (op.axes().isEmpty()) {
      return emit("Identity", List.of(in(0)));  // ONNX would reduce over every axis
    }
    AttributeProto keep = attr("keepdims", op.keepDims() ? 1L : 0L);
    return switch (op.fn()) {
      // ReduceSum takes its axes as an input since opset 13; the others as an attribute until 18.
      case SUM -> emit("ReduceSum", List.of(in(0), g.longs(op.axes().stream().mapToLong(Integer::longValue).toArray())),
          keep);
      case MEAN -> emit("ReduceMean", List.of(in(0)), attr("axes", op.axes()), keep);
      case MAX -> emit("ReduceMax", List.of(in(0)), attr("axes", op.axes()), keep);
    };
  }

  @Override
  public String argMax(Op.ArgMax op) {
    return emit("ArgMax", List.of(in(0)), attr("axis", (long) op.axis()), attr("keepdims", 0L),
        attr("select_last_index", 0L));
  }

  @Override
  public String window(Op.Window op) {
    WindowGeometry geo = op.geometry();
    if (op.fn() == WindowFn.SUM && geo.dilation().stream().anyMatch(d -> d != 1)) {
      throw unsupported("a dilated window sum has no ONNX form in opset 17 (AveragePool has no dilations)",
          "export average pooling without dilation");
    }
    TensorType x = operandType(0);
    int lead = x.rank() - geo.dims();
    // ONNX pools [N, C, *S]; other leading dims fold into N and come back after.
    String input = in(0);
    boolean fold = lead != 2;
    Dim rows = Dim.of(1);
    for (int i = 0; i < lead; i++) {
      rows = rows.times(x.shape().dim(i));
    }
    if (fold) {
      List<Dim> dims = new ArrayList<>(List.of(rows, Dim.of(1)));
      dims.addAll(x.shape().dims().subList(lead, x.rank()));
      input = reshape(input, x.shape(), new Shape(dims), g.fresh("rows"));
    }
    List<AttributeProto> attrs = new ArrayList<>(List.of(attr("kernel_shape", geo.kernel()), attr("strides", geo.stride())));
    String pooled;
    if (op.fn() == WindowFn.MAX) {
      attrs.add(attr("dilations", geo.dilation()));
      pooled = g.node("MaxPool", List.of(input), attrs.toArray(AttributeProto[]::new));
    } else {
      long count = geo.kernel().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
      String mean = g.node("AveragePool", List.of(input), attrs.toArray(AttributeProto[]::new));
      pooled = g.node("Mul", List.of(mean, g.initializer(TensorProtos.scalar(g.fresh("count"), DType.F32, count))));
    }
    if (!fold) {
      return emit("Identity", List.of(pooled));
    }
    // Back from [rows, 1, *OS] to [lead..., *OS].
    List<Dim> pooledDims = new ArrayList<>(List.of(rows, Dim.of(1)));
    pooledDims.addAll(node.type().shape().dims().subList(lead, node.type().rank()));
    return reshape(pooled, new Shape(pooledDims), node.type().shape(), out());
  }

  @Override
  public String windowSumTranspose(Op.WindowSumTranspose op) {
    throw gradientOnly("window_sum_transpose");
  }

  // ---- contractions ---------------------------------------------------------------------------

  @Override
  public String matMul(Op.MatMul op) {
    boolean matrices = operandType(0).rank() == 2 && operandType(1).rank() == 2;
    if (matrices && (op.transposeA() || op.transposeB())) {
      // x @ w^T, a linear layer, becomes Gemm with transB, as PyTorch exports nn.Linear.
      return emit("Gemm", List.of(in(0), in(1)), attr("transA", op.transposeA() ? 1L : 0L),
          attr("transB", op.transposeB() ? 1L : 0L));
    }
    String a = op.transposeA() ? transposeLastTwo(in(0), operandType(0).rank()) : in(0);
    String b = op.transposeB() ? transposeLastTwo(in(1), operandType(1).rank()) : in(1);
    return emit("MatMul", List.of(a, b));
  }

  /** A Transpose of {@code value}'s last two axes (MatMul has no transpose flags, unlike Gemm). */
  private String transposeLastTwo(String value, int rank) {
    List<Integer> perm = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      perm.add(i);
    }
    perm.set(rank - 2, rank - 1);
    perm.set(rank - 1, rank - 2);
    return g.node("Transpose", List.of(value), attr("perm", perm));
  }

  @Override
  public String conv(Op.Conv op) {
    return emit("Conv", List.of(in(0), in(1)), convAttributes(op.geometry()));
  }

  private static AttributeProto[] convAttributes(ConvGeometry geo) {
    List<Integer> pads = new ArrayList<>(geo.padBefore());
    pads.addAll(geo.padAfter());
    return new AttributeProto[] {attr("strides", geo.stride()), attr("pads", pads), attr("dilations", geo.dilation()),
        attr("group", (long) geo.groups())};
  }

  @Override
  public String convTranspose(Op.ConvTranspose op) {
    // ONNX sizes the output from pads and output_padding; the padding is what tells the sizes
    // that a strided convolution maps to one size apart.
    ConvGeometry geo = op.geometry();
    TensorType dy = operandType(0);
    TensorType w = operandType(1);
    List<Long> outputPadding = new ArrayList<>();
    for (int i = 0; i < geo.spatial(); i++) {
      Dim os = dy.shape().dim(2 + i);
      Dim s = op.inputSpatial().get(i);
      Dim k = w.shape().dim(2 + i);
      if (!os.isConstant() || !s.isConstant()) {
        throw unsupported("a transposed convolution over spatial sizes that are not constants (" + s + ") cannot be "
            + "exported", "give the input a constant spatial size");
      }
      long produced = (long) geo.stride().get(i) * (os.constant() - 1) + (long) geo.dilation().get(i) * (k.constant() - 1)
          + 1 - geo.padBefore().get(i) - geo.padAfter().get(i);
      outputPadding.add(s.constant() - produced);
    }
    List<AttributeProto> attrs = new ArrayList<>(Arrays.asList(convAttributes(geo)));
    attrs.add(attr("output_padding", outputPadding));
    return emit("ConvTranspose", List.of(in(0), in(1)), attrs.toArray(AttributeProto[]::new));
  }

  @Override
  public String convFilterGrad(Op.ConvFilterGrad op) {
    throw gradientOnly("conv_filter_grad");
  }

  // ---- indexing -------------------------------------------------------------------------------

  @Override
  public String oneHot(Op.OneHot op) {
    String offOn = g.initializer(TensorProtos.floats(g.fresh("one_hot_values"), DType.F32, new float[] {0f, 1f}, 2));
    return emit("OneHot", List.of(in(0), g.longs(op.classes()), offOn), attr("axis", -1L));
  }

  @Override
  public String gather(Op.Gather op) {
    return emit("Gather", List.of(in(0), in(1)), attr("axis", 0L));
  }

  @Override
  public String scatterAdd(Op.ScatterAdd op) {
    throw gradientOnly("scatter_add");
  }

  @Override
  public String windowMaxGrad(Op.WindowMaxGrad op) {
    throw gradientOnly("window_max_grad");
  }

  // ---- random ---------------------------------------------------------------------------------

  @Override
  public String randomUniform(Op.RandomUniform op) {
    throw random("random_uniform");
  }

  @Override
  public String randomNormal(Op.RandomNormal op) {
    throw random("random_normal");
  }

  @Override
  public String randomPermutation(Op.RandomPermutation op) {
    throw random("randperm");
  }

  @Override
  public String categorical(Op.Categorical op) {
    throw random("categorical");
  }

  // ---- control --------------------------------------------------------------------------------

  /** An ONNX Scan (see {@link ScanTranslation}); returns the prefix of its results' names. */
  @Override
  public String scan(Op.Scan op) {
    String base = out();
    List<String> operands = node.inputs().stream().map(values::get).toList();
    try {
      ScanTranslation.emit(op, operands, base, readsStepCarries(op), g, shapes, weights, node.span());
    } catch (OnnxExportError e) {
      throw new Failure(e);
    }
    return base;
  }

  /** Whether some node reads the carries a scan had at the start of each step (only gradients do). */
  private boolean readsStepCarries(Op.Scan op) {
    int first = op.carries() + op.outputs();
    for (Node n : source.nodes()) {
      if (n.op() instanceof Op.ScanResult r && n.input(0) == node.id() && r.index() >= first) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String scanResult(Op.ScanResult op) {
    return ScanTranslation.result(in(0), op.index());
  }
}
