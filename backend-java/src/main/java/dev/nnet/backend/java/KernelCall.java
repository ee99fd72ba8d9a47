package dev.nnet.backend.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.ConvGeometry;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.PadMode;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.ir.WindowGeometry;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Java expression that computes one node with the runtime kernel the reference executor
 * picks for it (its {@code KernelChoice}), over the run's values {@code v}, an allocator for its
 * result, random key {@code randomKey} and dim variables. A visitor, so an op the
 * generator does not know is a compile error here.
 */
final class KernelCall implements OpVisitor<KernelCall.Call> {
  private static final String EXEC = "dev.nnet.runtime.exec";
  private static final ClassName CREATION = ClassName.get(EXEC, "CreationKernels");
  private static final ClassName ELEMENTWISE = ClassName.get(EXEC, "ElementwiseKernels");
  private static final ClassName MOVEMENT = ClassName.get(EXEC, "MovementKernels");
  private static final ClassName PAD = ClassName.get(EXEC, "PadKernels");
  private static final ClassName REDUCE = ClassName.get(EXEC, "ReduceKernels");
  private static final ClassName WINDOW = ClassName.get(EXEC, "WindowKernels");
  private static final ClassName MATMUL = ClassName.get(EXEC, "MatMulKernel");
  private static final ClassName CONV = ClassName.get(EXEC, "ConvKernels");
  private static final ClassName INDEX = ClassName.get(EXEC, "IndexKernels");
  private static final ClassName RANDOM = ClassName.get(EXEC, "RandomKernels");

  /**
   * A kernel call: its expression, and the operand whose array the result shares
   * ({@code aliasOf}, -1 when the result has an array of its own).
   */
  record Call(CodeBlock expression, int aliasOf) {
    static Call of(String format, Object... args) {
      return new Call(CodeBlock.of(format, args), -1);
    }
  }

  private final Node node;
  /** The type of the node's first operand, if it has one. */
  private final TensorType operandType;
  private final DimExpression dims;
  /** The expression of the {@code Allocator} the kernel takes its result from. */
  private final String alloc;

  /**
   * The call that computes {@code node}.
   *
   * @param alloc the Java expression of the allocator for the result: the run's pool, or the
   *     allocator of the node's slot in the memory plan
   */
  KernelCall(Graph graph, Node node, DimExpression dims, String alloc) {
    this.node = node;
    this.alloc = alloc;
    this.operandType = node.inputs().isEmpty() ? null : graph.node(node.input(0)).type();
    this.dims = dims;
  }

  private String in(int i) {
    return "v[" + node.input(i) + "]";
  }

  private static String ints(List<Integer> list) {
    return list.stream().map(String::valueOf).collect(Collectors.joining(", ", "new int[] {", "}"));
  }

  private static String list(List<Integer> list) {
    return list.stream().map(String::valueOf).collect(Collectors.joining(", ", "java.util.List.of(", ")"));
  }

  private String dimArray(List<Dim> ds) {
    return ds.stream().map(dims::of).collect(Collectors.joining(", ", "new int[] {", "}"));
  }

  private String shape() {
    return dims.of(node.type().shape());
  }

  @Override
  public Call input(Op.Input op) {
    throw new IllegalStateException("inputs are fed, not computed");
  }

  @Override
  public Call parameter(Op.Parameter op) {
    throw new IllegalStateException("parameters are fed, not computed");
  }

  @Override
  public Call constant(Op.Constant op) {
    throw new IllegalStateException("constants are fields, not computed");
  }

  @Override
  public Call fill(Op.Fill op) {
    return Call.of("$T.fill($L, $T.$L, $L, $L)", CREATION, doubleLiteral(op.value()), DType.class,
        op.type().dtype().name(), shape(), alloc);
  }

  @Override
  public Call arange(Op.Arange op) {
    return Call.of("$T.arange($L, $L, $L, $T.$L, $L)", CREATION, doubleLiteral(op.start()),
        doubleLiteral(op.step()), dims.of(op.length()), DType.class, op.dtype().name(), alloc);
  }

  @Override
  public Call unary(Op.Unary op) {
    return Call.of("$T.unary($T.$L, $L, $L)", ELEMENTWISE, UnaryFn.class, op.fn().name(), in(0), alloc);
  }

  @Override
  public Call binary(Op.Binary op) {
    return Call.of("$T.binary($T.$L, $L, $L, $L)", ELEMENTWISE, BinaryFn.class, op.fn().name(), in(0), in(1), alloc);
  }

  @Override
  public Call where(Op.Where op) {
    return Call.of("$T.where($L, $L, $L, $L)", ELEMENTWISE, in(0), in(1), in(2), alloc);
  }

  @Override
  public Call cast(Op.Cast op) {
    DType from = operandType.dtype();
    CodeBlock call = CodeBlock.of("$T.cast($L, $T.$L, $L)", ELEMENTWISE, in(0), DType.class, op.to().name(), alloc);
    // The kernel returns its operand's array for a cast to the same dtype and for bool to f32.
    boolean shares = from == op.to() || (from == DType.BOOL && op.to() == DType.F32);
    return new Call(call, shares ? node.input(0) : -1);
  }

  @Override
  public Call stopGradient(Op.StopGradient op) {
    return new Call(CodeBlock.of("$L", in(0)), node.input(0));
  }

  @Override
  public Call reshape(Op.Reshape op) {
    return new Call(CodeBlock.of("$L.reshape($L)", in(0), dims.of(op.target())), node.input(0));
  }

  @Override
  public Call permute(Op.Permute op) {
    return Call.of("$T.permute($L, $L, $L)", MOVEMENT, in(0), list(op.order()), alloc);
  }

  @Override
  public Call expand(Op.Expand op) {
    return Call.of("$T.expand($L, $L, $L)", MOVEMENT, in(0), dims.of(op.target()), alloc);
  }

  @Override
  public Call slice(Op.Slice op) {
    return Call.of("$T.slice($L, $L, $LL, $LL, $LL, $L)", MOVEMENT, in(0), op.axis(), op.start(), op.end(), op.step(), alloc);
  }

  @Override
  public Call concat(Op.Concat op) {
    String parts = node.inputs().stream().map(i -> "v[" + i + "]").collect(Collectors.joining(", "));
    return Call.of("$T.concat(java.util.List.of($L), $L, $L)", MOVEMENT, parts, op.axis(), alloc);
  }

  @Override
  public Call pad(Op.Pad op) {
    return Call.of("$T.pad($L, $L, $L, $T.$L, $L, $L)", PAD, in(0), ints(op.before()), ints(op.after()),
        PadMode.class, op.mode().name(), GraphClassWriter.literal((float) op.value()), alloc);
  }

  @Override
  public Call padTranspose(Op.PadTranspose op) {
    return Call.of("$T.padTranspose($L, $L, $L, $T.$L, $L)", PAD, in(0), ints(op.before()), ints(op.after()),
        PadMode.class, op.mode().name(), alloc);
  }

  @Override
  public Call flip(Op.Flip op) {
    return Call.of("$T.flip($L, $L, $L)", MOVEMENT, in(0), list(op.axes()), alloc);
  }

  @Override
  public Call reduce(Op.Reduce op) {
    return Call.of("$T.reduce($T.$L, $L, $L, $L, $L)", REDUCE, ReduceFn.class, op.fn().name(), in(0),
        list(op.axes()), op.keepDims(), alloc);
  }

  @Override
  public Call argMax(Op.ArgMax op) {
    return Call.of("$T.argMax($L, $L)", REDUCE, in(0), op.axis());
  }

  @Override
  public Call window(Op.Window op) {
    WindowGeometry g = op.geometry();
    boolean max = switch (op.fn()) {
      case MAX -> true;
      case SUM -> false;
    };
    return Call.of("$T.reduce($L, $L, $L, $L, $L, $L)", WINDOW, max, in(0), ints(g.kernel()), ints(g.stride()),
        ints(g.dilation()), alloc);
  }

  @Override
  public Call windowSumTranspose(Op.WindowSumTranspose op) {
    WindowGeometry g = op.geometry();
    return Call.of("$T.sumTranspose($L, $L, $L, $L, $L, $L)", WINDOW, in(0), dimArray(op.inputSpatial()),
        ints(g.kernel()), ints(g.stride()), ints(g.dilation()), alloc);
  }

  @Override
  public Call matMul(Op.MatMul op) {
    // Transposes feeding a matmul are flags (opt/TransposeFolding), as BLAS takes them: never copied.
    return Call.of("$T.matmul($L, $L, $L, $L, $L)", MATMUL, in(0), op.transposeA(), in(1), op.transposeB(), alloc);
  }

  @Override
  public Call conv(Op.Conv op) {
    ConvGeometry g = op.geometry();
    return Call.of("$T.conv($L, $L, $L, $L, $L, $L, $L, $L)", CONV, in(0), in(1), ints(g.stride()),
        ints(g.padBefore()), ints(g.padAfter()), ints(g.dilation()), g.groups(), alloc);
  }

  @Override
  public Call convTranspose(Op.ConvTranspose op) {
    ConvGeometry g = op.geometry();
    return Call.of("$T.convTranspose($L, $L, $L, $L, $L, $L, $L, $L, $L)", CONV, in(0), in(1),
        dimArray(op.inputSpatial()), ints(g.stride()), ints(g.padBefore()), ints(g.padAfter()), ints(g.dilation()),
        g.groups(), alloc);
  }

  @Override
  public Call convFilterGrad(Op.ConvFilterGrad op) {
    ConvGeometry g = op.geometry();
    return Call.of("$T.convFilterGrad($L, $L, $L, $L, $L, $L, $L, $L, $L)", CONV, in(0), in(1), ints(op.kernel()),
        ints(g.stride()), ints(g.padBefore()), ints(g.padAfter()), ints(g.dilation()), g.groups(), alloc);
  }

  @Override
  public Call oneHot(Op.OneHot op) {
    return Call.of("$T.oneHot($L, $LL, $L)", INDEX, in(0), op.classes(), alloc);
  }

  @Override
  public Call gather(Op.Gather op) {
    return Call.of("$T.gather($L, $L, $L)", INDEX, in(0), in(1), alloc);
  }

  @Override
  public Call scatterAdd(Op.ScatterAdd op) {
    return Call.of("$T.scatterAdd($L, $L, $L, $L)", INDEX, in(0), in(1), dims.of(op.rows()), alloc);
  }

  @Override
  public Call windowMaxGrad(Op.WindowMaxGrad op) {
    WindowGeometry g = op.geometry();
    return Call.of("$T.maxTranspose($L, $L, $L, $L, $L, $L)", WINDOW, in(0), in(1), ints(g.kernel()),
        ints(g.stride()), ints(g.dilation()), alloc);
  }

  @Override
  public Call randomUniform(Op.RandomUniform op) {
    return Call.of("$T.uniform($L, randomKey, $LL, $L)", RANDOM, shape(), op.salt(), alloc);
  }

  @Override
  public Call randomNormal(Op.RandomNormal op) {
    return Call.of("$T.normal($L, randomKey, $LL, $L)", RANDOM, shape(), op.salt(), alloc);
  }

  @Override
  public Call randomPermutation(Op.RandomPermutation op) {
    return Call.of("$T.permutation($L, randomKey, $LL)", RANDOM, dims.of(op.n()), op.salt());
  }

  @Override
  public Call categorical(Op.Categorical op) {
    return Call.of("$T.categorical($L, randomKey, $LL)", RANDOM, in(0), op.salt());
  }

  @Override
  public Call scan(Op.Scan op) {
    throw new JavaBackendError(GraphClassWriter.where(node) + "the java backend does not compile `scan` yet");
  }

  @Override
  public Call scanResult(Op.ScanResult op) {
    throw new JavaBackendError(GraphClassWriter.where(node) + "the java backend does not compile `scan` yet");
  }

  /** A double literal that reads back as exactly {@code d}. */
  private static String doubleLiteral(double d) {
    if (Double.isNaN(d)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    return Double.toString(d);
  }
}
