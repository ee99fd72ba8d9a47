package dev.nnet.grad;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.PadMode;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.ir.WindowFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The gradient rule of every primitive, in one place: given a node, its operands, its output and
 * the adjoint of its output, the adjoints of its operands (null where no gradient flows). Rules
 * emit ordinary IR, so gradients are themselves graphs that the optimizer passes and every backend
 * handle, and gradient nodes keep the span of the forward node they differentiate.
 */
final class GradientRules {
  private final GraphBuilder b;

  GradientRules(GraphBuilder b) {
    this.b = b;
  }

  /** Adjoints of {@code node}'s inputs given the adjoint {@code g} of its output. */
  List<Value> backward(Node node, Value g) {
    List<Value> in = node.inputs().stream().map(b::value).toList();
    return node.op().accept(new Rule(node.span(), in, b.value(node.id()), g));
  }

  /**
   * The rule of each op, for one node: its operands {@code in}, its output {@code y} and the
   * adjoint {@code g} of its output, giving the operands' adjoints (null where none flows).
   */
  private final class Rule implements OpVisitor<List<Value>> {
    private final SourceSpan s;
    private final List<Value> in;
    private final Value y;
    private final Value g;

    Rule(SourceSpan s, List<Value> in, Value y, Value g) {
      this.s = s;
      this.in = in;
      this.y = y;
      this.g = g;
    }

    // Leaves have no operands, so nothing flows anywhere.
    public List<Value> input(Op.Input op) { return List.of(); }
    public List<Value> parameter(Op.Parameter op) { return List.of(); }
    public List<Value> constant(Op.Constant op) { return List.of(); }
    public List<Value> fill(Op.Fill op) { return List.of(); }
    public List<Value> arange(Op.Arange op) { return List.of(); }
    public List<Value> randomUniform(Op.RandomUniform op) { return List.of(); }
    public List<Value> randomNormal(Op.RandomNormal op) { return List.of(); }
    public List<Value> randomPermutation(Op.RandomPermutation op) { return List.of(); }

    public List<Value> unary(Op.Unary op) {
      return Collections.singletonList(GradientRules.this.unary(op.fn(), in.get(0), y, g, s));
    }

    public List<Value> binary(Op.Binary op) {
      return GradientRules.this.binary(op.fn(), in.get(0), in.get(1), y, g, s);
    }

    public List<Value> where(Op.Where op) {
      Value zero = zerosLike(g, s);
      return Arrays.asList(null,
          unbroadcast(op(new Op.Where(), s, in.get(0), g, zero), in.get(1).shape(), s),
          unbroadcast(op(new Op.Where(), s, in.get(0), zero, g), in.get(2).shape(), s));
    }

    public List<Value> cast(Op.Cast op) {
      return Collections.singletonList(in.get(0).dtype() == DType.F32 && op.to() == DType.F32 ? g : null);
    }

    public List<Value> stopGradient(Op.StopGradient op) { return nothing(1); }

    public List<Value> reshape(Op.Reshape op) {
      return List.of(op(new Op.Reshape(in.get(0).shape()), s, g));
    }

    public List<Value> permute(Op.Permute op) {
      List<Integer> inverse = new ArrayList<>(op.order());
      for (int i = 0; i < op.order().size(); i++) {
        inverse.set(op.order().get(i), i);
      }
      return List.of(op(new Op.Permute(inverse), s, g));
    }

    public List<Value> expand(Op.Expand op) {
      return List.of(unbroadcast(g, in.get(0).shape(), s));
    }

    public List<Value> slice(Op.Slice op) {
      return List.of(GradientRules.this.slice(op, in.get(0), g, s));
    }

    public List<Value> concat(Op.Concat op) {
      List<Value> out = new ArrayList<>();
      long offset = 0;
      for (Value v : in) {
        Dim size = v.shape().dim(op.axis());
        if (!size.isConstant()) {
          throw new UnsupportedGradient("the gradient of a concat along an axis of symbolic size " + size);
        }
        out.add(op(new Op.Slice(op.axis(), offset, offset + size.constant(), 1), s, g));
        offset += size.constant();
      }
      return out;
    }

    public List<Value> pad(Op.Pad op) {
      return List.of(op(new Op.PadTranspose(op.mode(), op.before(), op.after()), s, g));
    }

    public List<Value> padTranspose(Op.PadTranspose op) {
      return List.of(op(new Op.Pad(op.mode(), op.before(), op.after(), 0), s, g));
    }

    public List<Value> flip(Op.Flip op) {
      return List.of(op(new Op.Flip(op.axes()), s, g));
    }

    public List<Value> reduce(Op.Reduce op) {
      return List.of(GradientRules.this.reduce(op, in.get(0), y, g, s));
    }

    public List<Value> argMax(Op.ArgMax op) { return nothing(1); }

    /** Not differentiable: it produces indices, so no gradient flows to the logits (as argmax). */
    public List<Value> categorical(Op.Categorical op) { return nothing(1); }

    public List<Value> window(Op.Window op) {
      Value x = in.get(0);
      return List.of(switch (op.fn()) {
        case SUM -> op(new Op.WindowSumTranspose(op.geometry(), trailing(x, op.geometry().dims())), s, g);
        case MAX -> op(new Op.WindowMaxGrad(op.geometry()), s, x, g);
      });
    }

    public List<Value> windowSumTranspose(Op.WindowSumTranspose op) {
      return List.of(op(new Op.Window(WindowFn.SUM, op.geometry()), s, g));
    }

    public List<Value> matMul(Op.MatMul op) {
      return GradientRules.this.matmul(op, in.get(0), in.get(1), g, s);
    }

    public List<Value> conv(Op.Conv op) {
      Value x = in.get(0);
      Value w = in.get(1);
      return List.of(op(new Op.ConvTranspose(op.geometry(), trailing(x, op.geometry().spatial())), s, g, w),
          op(new Op.ConvFilterGrad(op.geometry(), kernel(w)), s, x, g));
    }

    public List<Value> convTranspose(Op.ConvTranspose op) {
      Value dy = in.get(0);
      Value w = in.get(1);
      return List.of(op(new Op.Conv(op.geometry()), s, g, w), op(new Op.ConvFilterGrad(op.geometry(), kernel(w)), s, g, dy));
    }

    public List<Value> convFilterGrad(Op.ConvFilterGrad op) {
      Value x = in.get(0);
      Value dy = in.get(1);
      return List.of(op(new Op.ConvTranspose(op.geometry(), trailing(x, op.geometry().spatial())), s, dy, g),
          op(new Op.Conv(op.geometry()), s, x, g));
    }

    public List<Value> oneHot(Op.OneHot op) { return nothing(1); }

    public List<Value> gather(Op.Gather op) {
      return Arrays.asList(op(new Op.ScatterAdd(in.get(0).shape().dim(0)), s, g, in.get(1)), null);
    }

    public List<Value> scatterAdd(Op.ScatterAdd op) {
      return Arrays.asList(op(new Op.Gather(), s, g, in.get(1)), null);
    }

    public List<Value> windowMaxGrad(Op.WindowMaxGrad op) {
      throw new UnsupportedGradient("the gradient of max pooling's gradient (a second derivative through max pooling)");
    }

    public List<Value> scan(Op.Scan op) {
      throw new IllegalStateException("a scan is differentiated by scanBackward, with all its results' adjoints");
    }

    public List<Value> scanResult(Op.ScanResult op) {
      throw new IllegalStateException("a scan result's adjoint goes to its scan, gathered by the differentiator");
    }
  }

  /**
   * The gradient of a scan: a scan in the other direction over the vector-Jacobian product of its
   * body. Its carries are the adjoints of the forward carries and the running sums of the
   * constants' gradients; it steps over the carries each forward step started from (the scan's
   * saved-carry results), the forward sequences and the adjoints of the per-step outputs; each
   * step yields the gradient of that step's x. {@code adjoints} are those of the scan's results,
   * in its result order (null where none flows).
   */
  List<Value> scanBackward(Node node, List<Value> adjoints) {
    Op.Scan scan = (Op.Scan) node.op();
    SourceSpan s = node.span();
    int nc = scan.carries();
    int nx = scan.sequences();
    int nk = scan.consts();
    int ny = scan.outputs();
    for (int i = nc + ny; i < adjoints.size(); i++) {
      if (adjoints.get(i) != null) {
        throw new UnsupportedGradient("a second derivative through the saved carries of a scan");
      }
    }
    List<Value> in = node.inputs().stream().map(b::value).toList();
    for (int i = 0; i < nc; i++) {
      if (in.get(i).dtype() != DType.F32) {
        throw new UnsupportedGradient("a scan whose carry " + i + " is " + in.get(i).dtype() + " (only f32 carries)");
      }
    }
    Value self = b.value(node.id());
    List<Integer> gradXs = new ArrayList<>(); // the sequences with a gradient (f32)
    for (int j = 0; j < nx; j++) {
      if (in.get(nc + j).dtype() == DType.F32) {
        gradXs.add(j);
      }
    }
    List<Integer> gradConsts = new ArrayList<>();
    for (int k = 0; k < nk; k++) {
      if (in.get(nc + nx + k).dtype() == DType.F32) {
        gradConsts.add(k);
      }
    }
    List<Integer> withAdjoint = new ArrayList<>(); // the per-step outputs whose adjoint flows in
    for (int m = 0; m < ny; m++) {
      if (adjoints.get(nc + m) != null) {
        withAdjoint.add(m);
      }
    }

    // The body of the backward scan: the forward body inlined, then differentiated.
    GraphBuilder v = new GraphBuilder();
    Map<String, Value> forwardInputs = new java.util.LinkedHashMap<>();
    List<Value> gCarry = new ArrayList<>();
    for (int i = 0; i < nc; i++) {
      gCarry.add(v.input("carry" + i, in.get(i).type()));
    }
    List<Value> sums = new ArrayList<>();
    for (int q = 0; q < gradConsts.size(); q++) {
      sums.add(v.input("carry" + (nc + q), in.get(nc + nx + gradConsts.get(q)).type()));
    }
    int seq = 0;
    List<Value> wrt = new ArrayList<>();
    for (int i = 0; i < nc; i++) {
      Value saved = v.input("x" + seq++, in.get(i).type());
      forwardInputs.put("carry" + i, saved);
      wrt.add(saved);
    }
    for (int j = 0; j < nx; j++) {
      TensorType x = in.get(nc + j).type();
      Value step = v.input("x" + seq++, x.withShape(new Shape(x.shape().dims().subList(1, x.rank()))));
      forwardInputs.put("x" + j, step);
    }
    List<Value> gStep = new ArrayList<>();
    for (int m : withAdjoint) {
      TensorType stacked = adjoints.get(nc + m).type();
      gStep.add(v.input("x" + seq++, stacked.withShape(new Shape(stacked.shape().dims().subList(1, stacked.rank())))));
    }
    for (int k = 0; k < nk; k++) {
      forwardInputs.put("const" + k, v.input("const" + k, in.get(nc + nx + k).type()));
    }
    Map<String, Value> forward = v.inline(scan.body(), forwardInputs);
    Value loss = null;
    for (int i = 0; i < nc; i++) {
      loss = plus(v, loss, dot(v, forward.get("carry" + i), gCarry.get(i), s), s);
    }
    for (int q = 0; q < withAdjoint.size(); q++) {
      loss = plus(v, loss, dot(v, forward.get("y" + withAdjoint.get(q)), gStep.get(q), s), s);
    }
    for (int j : gradXs) {
      wrt.add(forwardInputs.get("x" + j));
    }
    for (int k : gradConsts) {
      wrt.add(forwardInputs.get("const" + k));
    }
    List<Value> grads = Differentiator.gradients(v, loss, wrt);
    for (int i = 0; i < nc; i++) {
      v.output("carry" + i, grads.get(i));
    }
    for (int q = 0; q < gradConsts.size(); q++) {
      v.output("carry" + (nc + q), v.addChecked(new Op.Binary(BinaryFn.ADD), s, sums.get(q),
          grads.get(nc + gradXs.size() + q)));
    }
    for (int q = 0; q < gradXs.size(); q++) {
      v.output("y" + q, grads.get(nc + q));
    }

    // The backward scan itself, over the forward scan's saved carries.
    List<Value> operands = new ArrayList<>();
    for (int i = 0; i < nc; i++) {
      operands.add(adjoints.get(i) != null ? adjoints.get(i) : zerosLike(in.get(i), s));
    }
    for (int k : gradConsts) {
      operands.add(zerosLike(in.get(nc + nx + k), s));
    }
    for (int i = 0; i < nc; i++) {
      operands.add(op(new Op.ScanResult(nc + ny + i, scan.resultType(nc + ny + i)), s, self));
    }
    for (int j = 0; j < nx; j++) {
      operands.add(in.get(nc + j));
    }
    for (int m : withAdjoint) {
      operands.add(adjoints.get(nc + m));
    }
    for (int k = 0; k < nk; k++) {
      operands.add(in.get(nc + nx + k));
    }
    Op.Scan backward = new Op.Scan(v.build(), nc + gradConsts.size(), nc + nx + withAdjoint.size(), nk,
        scan.length(), !scan.reverse());
    Value back = op(backward, s, operands.toArray(Value[]::new));
    List<Value> out = new ArrayList<>(java.util.Collections.nCopies(nc + nx + nk, (Value) null));
    for (int i = 0; i < nc; i++) {
      out.set(i, op(new Op.ScanResult(i, backward.resultType(i)), s, back));
    }
    int carriesBack = nc + gradConsts.size();
    for (int q = 0; q < gradXs.size(); q++) {
      out.set(nc + gradXs.get(q), op(new Op.ScanResult(carriesBack + q, backward.resultType(carriesBack + q)), s, back));
    }
    for (int q = 0; q < gradConsts.size(); q++) {
      out.set(nc + nx + gradConsts.get(q), op(new Op.ScanResult(nc + q, backward.resultType(nc + q)), s, back));
    }
    return out;
  }

  /** {@code sum(a * b)} in builder {@code g}. */
  private static Value dot(GraphBuilder g, Value a, Value c, SourceSpan s) {
    Value product = g.addChecked(new Op.Binary(BinaryFn.MUL), s, a, c);
    return g.addChecked(new Op.Reduce(ReduceFn.SUM, GraphBuilder.allAxes(product.rank()), false), s, product);
  }

  private static Value plus(GraphBuilder g, Value sum, Value term, SourceSpan s) {
    return sum == null ? term : g.addChecked(new Op.Binary(BinaryFn.ADD), s, sum, term);
  }

  /** The last {@code n} dims of {@code v} (the spatial dims of an [N, C, *S] tensor). */
  private static List<Dim> trailing(Value v, int n) {
    return v.shape().dims().subList(v.rank() - n, v.rank());
  }

  /** The kernel sizes of conv weights [O, I, *K], which are always concrete. */
  private static List<Integer> kernel(Value w) {
    return w.shape().dims().subList(2, w.rank()).stream().map(d -> Math.toIntExact(d.constant())).toList();
  }

  private static List<Value> nothing(int n) {
    return Arrays.asList(new Value[n]);
  }

  private Value unary(UnaryFn fn, Value x, Value y, Value g, SourceSpan s) {
    return switch (fn) {
      case NEG -> op(new Op.Unary(UnaryFn.NEG), s, g);
      case EXP -> mul(g, y, s);
      case LOG -> div(g, x, s);
      case SQRT -> div(g, mul(y, scalar(2, s), s), s);
      case ABS -> mul(g, op(new Op.Unary(UnaryFn.SIGN), s, x), s);
      case SIGN, FLOOR -> null;
      case TANH -> mul(g, sub(scalar(1, s), mul(y, y, s), s), s);
      case SIGMOID -> mul(g, mul(y, sub(scalar(1, s), y, s), s), s);
      case RECIPROCAL -> op(new Op.Unary(UnaryFn.NEG), s, mul(g, mul(y, y, s), s));
      case SIN -> mul(g, op(new Op.Unary(UnaryFn.COS), s, x), s);
      case COS -> op(new Op.Unary(UnaryFn.NEG), s, mul(g, op(new Op.Unary(UnaryFn.SIN), s, x), s));
      case ERF -> mul(g, mul(scalar(2 / Math.sqrt(Math.PI), s),
          op(new Op.Unary(UnaryFn.EXP), s, op(new Op.Unary(UnaryFn.NEG), s, mul(x, x, s))), s), s);
    };
  }

  private List<Value> binary(BinaryFn fn, Value a, Value c, Value y, Value g, SourceSpan s) {
    if (a.dtype() != DType.F32) {
      return nothing(2); // integer and bool arithmetic carry no gradient
    }
    List<Value> grads = switch (fn) {
      case ADD -> List.of(g, g);
      case SUB -> List.of(g, op(new Op.Unary(UnaryFn.NEG), s, g));
      case MUL -> List.of(mul(g, c, s), mul(g, a, s));
      case DIV -> List.of(div(g, c, s), op(new Op.Unary(UnaryFn.NEG), s, div(mul(g, y, s), c, s)));
      case POW -> {
        // d/da a^c = c * a^(c-1), and 0 where c == 0 (as PyTorch: a^0 is constant, even at a = 0,
        // where c * a^(c-1) would be 0 * inf = NaN); d/dc a^c = a^c * log(a) (only where a > 0, as in
        // PyTorch's masked form)
        Value zeroExponent = op(new Op.Binary(BinaryFn.EQ), s, c, scalar(0, s));
        Value ga = op(new Op.Where(), s, zeroExponent, scalar(0, s),
            mul(g, mul(c, op(new Op.Binary(BinaryFn.POW), s, a, sub(c, scalar(1, s), s)), s), s));
        Value positive = op(new Op.Binary(BinaryFn.GT), s, a, scalar(0, s));
        Value logA = op(new Op.Unary(UnaryFn.LOG), s, op(new Op.Where(), s, positive, a, scalar(1, s)));
        yield List.of(ga, mul(g, mul(y, logA, s), s));
      }
      case MAX, MIN -> {
        // Ties split the gradient evenly, as PyTorch's maximum/minimum do.
        Value aWins = cast(op(new Op.Binary(fn == BinaryFn.MAX ? BinaryFn.GT : BinaryFn.LT), s, a, c), s);
        Value tie = mul(cast(op(new Op.Binary(BinaryFn.EQ), s, a, c), s), scalar(0.5, s), s);
        Value wa = add(aWins, tie, s);
        yield List.of(mul(g, wa, s), mul(g, sub(scalar(1, s), wa, s), s));
      }
      case LT, LE, GT, GE, EQ, NE, AND, OR -> null; // bool results: no gradient
    };
    if (grads == null) {
      return nothing(2);
    }
    return Arrays.asList(unbroadcast(grads.get(0), a.shape(), s), unbroadcast(grads.get(1), c.shape(), s));
  }

  private Value reduce(Op.Reduce r, Value x, Value y, Value g, SourceSpan s) {
    Shape kept = keptShape(x.shape(), r.axes());
    Value gk = op(new Op.Reshape(kept), s, g);
    Value ge = op(new Op.Expand(x.shape()), s, gk);
    return switch (r.fn()) {
      case SUM -> ge;
      case MEAN -> {
        Dim count = Dim.of(1);
        for (int a : r.axes()) {
          count = count.times(x.shape().dim(a));
        }
        yield div(ge, dimValue(count, s), s);
      }
      case MAX -> {
        // The gradient goes to the maxima, shared evenly among ties (like torch.amax).
        Value yk = op(new Op.Reshape(kept), s, y);
        Value mask = cast(op(new Op.Binary(BinaryFn.EQ), s, x, yk), s);
        Value ties = op(new Op.Reduce(ReduceFn.SUM, r.axes(), true), s, mask);
        yield mul(ge, div(mask, ties, s), s);
      }
    };
  }

  /**
   * The gradients of {@code y = op(a) op(c)}: {@code d op(a) = g op(c)^T} and {@code d op(c) = op(a)^T g},
   * written with transpose flags instead of transposes, and undone where an operand itself was
   * read transposed ({@code da = (g op(c)^T)^T = op(c) g^T}).
   */
  private List<Value> matmul(Op.MatMul mm, Value a, Value c, Value g, SourceSpan s) {
    Value ga = mm.transposeA()
        ? op(new Op.MatMul(mm.transposeB(), true), s, c, g)
        : op(new Op.MatMul(false, !mm.transposeB()), s, g, c);
    Value gc = mm.transposeB()
        ? op(new Op.MatMul(true, mm.transposeA()), s, g, a)
        : op(new Op.MatMul(!mm.transposeA(), false), s, a, g);
    return List.of(unbroadcast(ga, a.shape(), s), unbroadcast(gc, c.shape(), s));
  }

  private Value slice(Op.Slice sl, Value x, Value g, SourceSpan s) {
    if (sl.step() != 1) {
      throw new UnsupportedGradient("the gradient of a strided slice (step " + sl.step() + ")");
    }
    Dim size = x.shape().dim(sl.axis());
    Dim after = size.minus(Dim.of(sl.end()));
    if (after.isConstant()) { // zero padding around g: one pass, no zero tensors to build and copy
      List<Integer> before = new ArrayList<>(Collections.nCopies(x.rank(), 0));
      List<Integer> behind = new ArrayList<>(Collections.nCopies(x.rank(), 0));
      before.set(sl.axis(), Math.toIntExact(sl.start()));
      behind.set(sl.axis(), Math.toIntExact(after.constant()));
      return before.get(sl.axis()) == 0 && behind.get(sl.axis()) == 0 ? g
          : op(new Op.Pad(PadMode.CONSTANT, before, behind, 0), s, g);
    }
    List<Value> parts = new ArrayList<>();
    if (sl.start() > 0) {
      parts.add(zeros(x.type().withShape(x.shape().withDim(sl.axis(), Dim.of(sl.start()))), s));
    }
    parts.add(g);
    parts.add(zeros(x.type().withShape(x.shape().withDim(sl.axis(), after)), s));
    return op(new Op.Concat(sl.axis()), s, parts.toArray(Value[]::new));
  }

  /** Sums {@code g} over the axes that broadcasting added or stretched, back to {@code shape}. */
  Value unbroadcast(Value g, Shape shape, SourceSpan s) {
    if (g == null || g.shape().equals(shape)) {
      return g;
    }
    int extra = g.rank() - shape.rank();
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < g.rank(); i++) {
      if (i < extra || (shape.dim(i - extra).equals(Dim.of(1)) && !g.shape().dim(i).equals(Dim.of(1)))) {
        axes.add(i);
      }
    }
    Value summed = axes.isEmpty() ? g : op(new Op.Reduce(ReduceFn.SUM, axes, false), s, g);
    return op(new Op.Reshape(shape), s, summed);
  }

  private static Shape keptShape(Shape x, List<Integer> axes) {
    List<Dim> dims = new ArrayList<>(x.dims());
    for (int a : axes) {
      dims.set(a, Dim.of(1));
    }
    return new Shape(dims);
  }

  /** A scalar holding a dimension's run-time value (the batch size for a mean over N). */
  private Value dimValue(Dim d, SourceSpan s) {
    if (d.isConstant()) {
      return scalar(d.constant(), s);
    }
    return op(new Op.Reduce(ReduceFn.SUM, GraphBuilder.allAxes(1), false), s,
        b.addChecked(new Op.Fill(1, TensorType.f32(Shape.of(d))), s));
  }

  Value op(Op op, SourceSpan s, Value... in) {
    return b.addChecked(op, s, in);
  }

  Value add(Value x, Value y, SourceSpan s) {
    return op(new Op.Binary(BinaryFn.ADD), s, x, y);
  }

  private Value sub(Value x, Value y, SourceSpan s) {
    return op(new Op.Binary(BinaryFn.SUB), s, x, y);
  }

  private Value mul(Value x, Value y, SourceSpan s) {
    return op(new Op.Binary(BinaryFn.MUL), s, x, y);
  }

  private Value div(Value x, Value y, SourceSpan s) {
    return op(new Op.Binary(BinaryFn.DIV), s, x, y);
  }

  private Value cast(Value x, SourceSpan s) {
    return op(new Op.Cast(DType.F32), s, x);
  }

  private Value scalar(double v, SourceSpan s) {
    return b.addChecked(new Op.Fill(v, TensorType.f32(Shape.scalar())), s);
  }

  private Value zeros(TensorType t, SourceSpan s) {
    return b.addChecked(new Op.Fill(0, t), s);
  }

  private Value zerosLike(Value v, SourceSpan s) {
    return zeros(v.type(), s);
  }
}
