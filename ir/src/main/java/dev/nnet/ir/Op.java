package dev.nnet.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The primitive operations of the graph IR. Everything else (layers, activations, losses,
 * optimizer updates) is built from these, so each backend implements only this list.
 *
 * <p>Ops fall into a few sealed categories ({@link Leaf}, {@link Elementwise}, {@link Movement},
 * {@link Reduction}, {@link Contraction}, {@link Indexing}, {@link Random}, {@link Control}). Each op declares its
 * shape and dtype rule here, in {@link #infer}; the scalar meaning of elementwise functions lives
 * in {@link UnaryFn} and {@link BinaryFn}; the gradient rule of every op is in the compiler's
 * {@code grad} package and its reference kernel in the runtime's executor. Both dispatch through
 * an {@link OpVisitor}, so adding an op here is a compile error in every place that must handle
 * it. The rules work on symbolic shapes (for the checker) and on concrete ones alike.
 */
public sealed interface Op {

  /** How many inputs the op takes; -1 for any number (concat). */
  int arity();

  /** The op's name and attributes as written in IR dumps, e.g. {@code reduce_sum[1]}. */
  String text();

  /** The result type for operands of the given types, or a {@link ShapeError} saying why not. */
  TensorType infer(List<TensorType> in) throws ShapeError;

  /** Calls the visitor's method for this op. */
  <R> R accept(OpVisitor<R> visitor);

  /** Values with no operands: fed from outside, or made from attributes alone. */
  sealed interface Leaf extends Op permits Input, Parameter, Constant, Fill, Arange {}

  /** One scalar function applied at every position (operands broadcast, NumPy rules). */
  sealed interface Elementwise extends Op permits Unary, Binary, Where, Cast, StopGradient {}

  /** Rearrange, select or pad elements without arithmetic. */
  sealed interface Movement extends Op permits Reshape, Permute, Expand, Slice, Concat, Pad, PadTranspose, Flip {}

  /** Combine elements over axes or windows. */
  sealed interface Reduction extends Op permits Reduce, ArgMax, Window, WindowSumTranspose {}

  /** Sums of products: matrix products and convolutions with their adjoints. */
  sealed interface Contraction extends Op permits MatMul, Conv, ConvTranspose, ConvFilterGrad {}

  /** Data-dependent addressing: one-hot, gather and its adjoint, max-pool routing. */
  sealed interface Indexing extends Op permits OneHot, Gather, ScatterAdd, WindowMaxGrad {}

  /**
   * Counter-based random draws: element {@code i} of a node is a pure function of the run's key,
   * the node's {@code salt} and {@code i} ({@link CounterRandom}), so no order of evaluation,
   * fusion or removal of another node changes a draw.
   */
  sealed interface Random extends Op permits RandomUniform, RandomNormal, RandomPermutation, Categorical {
    /** Which stream of the run this node draws from; unique among a traced program's random ops. */
    long salt();
  }

  /** Loops over a sub-graph: recurrence without unrolling. */
  sealed interface Control extends Op permits Scan, ScanResult {}

  // ---- leaves ---------------------------------------------------------------------------------

  /** A value fed from outside: a batch of data, a label, a learning rate. */
  record Input(String name, TensorType type) implements Leaf {
    public int arity() { return 0; }
    public String text() { return "input \"" + name + "\""; }
    public TensorType infer(List<TensorType> in) { return type; }
    public <R> R accept(OpVisitor<R> v) { return v.input(this); }
  }

  /** Trainable weights ({@code trainable}) or state such as running statistics and optimizer moments. */
  record Parameter(String name, TensorType type, boolean trainable) implements Leaf {
    public int arity() { return 0; }
    public String text() { return (trainable ? "param \"" : "state \"") + name + "\""; }
    public TensorType infer(List<TensorType> in) { return type; }
    public <R> R accept(OpVisitor<R> v) { return v.parameter(this); }
  }

  /** A concrete constant tensor. */
  record Constant(ConstantData value) implements Leaf {
    public int arity() { return 0; }
    public String text() {
      return value.size() == 1 ? "const " + value.get(0) : "const " + Arrays.toString(value.shape());
    }
    public TensorType infer(List<TensorType> in) { return value.type(); }
    public <R> R accept(OpVisitor<R> v) { return v.constant(this); }
  }

  /** A tensor filled with one value; its shape may be symbolic (zeros of the batch's shape). */
  record Fill(double value, TensorType type) implements Leaf {
    public int arity() { return 0; }
    public String text() { return "fill " + value; }
    public TensorType infer(List<TensorType> in) { return type; }
    public <R> R accept(OpVisitor<R> v) { return v.fill(this); }
  }

  /** {@code start, start + step, ...} for {@code length} elements, f32 or i64 ({@code arange}). */
  record Arange(double start, double step, Dim length, DType dtype) implements Leaf {
    public Arange {
      if (dtype == DType.BOOL) {
        throw new IllegalArgumentException("arange makes f32 or i64 values");
      }
    }
    public int arity() { return 0; }
    public String text() { return "arange " + start + " step " + step; }
    public TensorType infer(List<TensorType> in) { return new TensorType(dtype, Shape.of(length)); }
    public <R> R accept(OpVisitor<R> v) { return v.arange(this); }
  }

  // ---- elementwise ----------------------------------------------------------------------------

  record Unary(UnaryFn fn) implements Elementwise {
    public int arity() { return 1; }
    public String text() { return fn.text(); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      requireDType(fn.text(), in.get(0), DType.F32);
      return in.get(0);
    }
    public <R> R accept(OpVisitor<R> v) { return v.unary(this); }
  }

  /** Elementwise with NumPy broadcasting; both operands must have the same dtype. */
  record Binary(BinaryFn fn) implements Elementwise {
    public int arity() { return 2; }
    public String text() { return fn.text(); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType a = in.get(0);
      TensorType b = in.get(1);
      if (a.dtype() != b.dtype()) {
        throw new ShapeError("`" + fn.text() + "` needs operands of one dtype, got " + a.dtype() + " and " + b.dtype());
      }
      if (fn.isLogical() && a.dtype() != DType.BOOL) {
        throw new ShapeError("`" + fn.text() + "` needs bool operands, got " + a.dtype());
      }
      if (a.dtype() == DType.BOOL && !fn.isLogical() && fn != BinaryFn.EQ && fn != BinaryFn.NE
          && fn != BinaryFn.MAX && fn != BinaryFn.MIN) {
        throw new ShapeError("`" + fn.text() + "` is not defined on bool values; use `and`/`or`, or cast to f32 first");
      }
      Shape s = broadcast(fn.text(), a.shape(), b.shape());
      return new TensorType(fn.isComparison() ? DType.BOOL : a.dtype(), s);
    }
    public <R> R accept(OpVisitor<R> v) { return v.binary(this); }
  }

  /** {@code where(cond, a, b)}: a where cond is true, else b; all three broadcast. */
  record Where() implements Elementwise {
    public int arity() { return 3; }
    public String text() { return "where"; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      requireDType("where", in.get(0), DType.BOOL);
      if (in.get(1).dtype() != in.get(2).dtype()) {
        throw new ShapeError("`where` needs branches of one dtype, got " + in.get(1).dtype() + " and " + in.get(2).dtype());
      }
      Shape s = broadcast("where", broadcast("where", in.get(0).shape(), in.get(1).shape()), in.get(2).shape());
      return new TensorType(in.get(1).dtype(), s);
    }
    public <R> R accept(OpVisitor<R> v) { return v.where(this); }
  }

  /** Converts the dtype: f32 to i64 truncates toward zero; anything to bool is "not zero". */
  record Cast(DType to) implements Elementwise {
    public int arity() { return 1; }
    public String text() { return "cast " + to; }
    public TensorType infer(List<TensorType> in) { return in.get(0).withDType(to); }
    public <R> R accept(OpVisitor<R> v) { return v.cast(this); }
  }

  /** Identity forward; blocks gradients ({@code detach}). */
  record StopGradient() implements Elementwise {
    public int arity() { return 1; }
    public String text() { return "stop_gradient"; }
    public TensorType infer(List<TensorType> in) { return in.get(0); }
    public <R> R accept(OpVisitor<R> v) { return v.stopGradient(this); }
  }

  // ---- movement -------------------------------------------------------------------------------

  /** Same elements, new shape of equal size. */
  record Reshape(Shape target) implements Movement {
    public int arity() { return 1; }
    public String text() { return "reshape " + target; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      Dim have = in.get(0).shape().numel();
      Dim want = target.numel();
      if (!have.equals(want)) {
        throw new ShapeError("cannot reshape " + in.get(0).shape() + " (" + have + " elements) to " + target
            + " (" + want + " elements)");
      }
      return in.get(0).withShape(target);
    }
    public <R> R accept(OpVisitor<R> v) { return v.reshape(this); }
  }

  /** Reorders axes: output axis i is input axis {@code order.get(i)}. */
  record Permute(List<Integer> order) implements Movement {
    public Permute {
      order = List.copyOf(order);
    }
    public int arity() { return 1; }
    public String text() { return "permute " + order; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      if (order.size() != x.rank() || order.stream().distinct().count() != x.rank()
          || order.stream().anyMatch(i -> i < 0 || i >= x.rank())) {
        throw new ShapeError("permutation " + order + " does not fit a tensor of rank " + x.rank() + " " + x.shape());
      }
      List<Dim> out = new ArrayList<>();
      for (int i : order) {
        out.add(x.shape().dim(i));
      }
      return x.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.permute(this); }
  }

  /** Broadcasts to {@code target} (size-1 dims repeat; new leading dims are added). */
  record Expand(Shape target) implements Movement {
    public int arity() { return 1; }
    public String text() { return "expand " + target; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      Shape s = broadcast("expand", in.get(0).shape(), target);
      if (!s.equals(target)) {
        throw new ShapeError("cannot expand " + in.get(0).shape() + " to " + target);
      }
      return in.get(0).withShape(target);
    }
    public <R> R accept(OpVisitor<R> v) { return v.expand(this); }
  }

  /** Elements {@code start, start+step, ...} below {@code end} along {@code axis}; bounds are concrete. */
  record Slice(int axis, long start, long end, long step) implements Movement {
    public int arity() { return 1; }
    public String text() { return "slice[" + axis + "] " + start + ":" + end + (step != 1 ? ":" + step : ""); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      checkAxis(axis, x);
      Dim d = x.shape().dim(axis);
      if (step <= 0 || start < 0 || end < start || (d.isConstant() && end > d.constant())) {
        throw new ShapeError("slice " + start + ".." + end + " is out of range for axis " + axis + " of size " + d);
      }
      return x.withShape(x.shape().withDim(axis, Dim.of((end - start + step - 1) / step)));
    }
    public <R> R accept(OpVisitor<R> v) { return v.slice(this); }
  }

  /** Joins tensors along {@code axis}; all other dims must agree. */
  record Concat(int axis) implements Movement {
    public int arity() { return -1; }
    public String text() { return "concat[" + axis + "]"; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      if (in.isEmpty()) {
        throw new ShapeError("`concat` needs at least one tensor");
      }
      TensorType first = in.get(0);
      checkAxis(axis, first);
      Dim total = Dim.of(0);
      for (TensorType t : in) {
        if (t.rank() != first.rank() || t.dtype() != first.dtype()) {
          throw new ShapeError("`concat` needs tensors of one rank and dtype, got " + first + " and " + t);
        }
        for (int i = 0; i < t.rank(); i++) {
          if (i != axis && !t.shape().dim(i).equals(first.shape().dim(i))) {
            throw new ShapeError("`concat` along axis " + axis + " needs the other dims to agree, got "
                + first.shape() + " and " + t.shape());
          }
        }
        total = total.plus(t.shape().dim(axis));
      }
      return first.withShape(first.shape().withDim(axis, total));
    }
    public <R> R accept(OpVisitor<R> v) { return v.concat(this); }
  }

  /**
   * Pads every axis {@code i} with {@code before.get(i)} cells in front and {@code after.get(i)}
   * behind, filled as {@code mode} says ({@code value} for constant padding). Reflect padding
   * needs pads smaller than the dim, circular no larger.
   */
  record Pad(PadMode mode, List<Integer> before, List<Integer> after, double value) implements Movement {
    public Pad {
      before = List.copyOf(before);
      after = List.copyOf(after);
      if (before.size() != after.size() || before.stream().anyMatch(p -> p < 0) || after.stream().anyMatch(p -> p < 0)) {
        throw new IllegalArgumentException("pad needs non-negative before and after lists of one length");
      }
    }
    public int arity() { return 1; }
    public String text() {
      return "pad " + mode.text() + " " + before + ":" + after + (Double.compare(value, 0.0) != 0 ? " value " + value : "");
    }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      if (before.size() != x.rank()) {
        throw new ShapeError("`pad` has padding for " + before.size() + " axes but the tensor has rank " + x.rank()
            + " " + x.shape());
      }
      List<Dim> out = new ArrayList<>();
      for (int i = 0; i < x.rank(); i++) {
        Dim d = x.shape().dim(i);
        int most = Math.max(before.get(i), after.get(i));
        if (d.isConstant() && most > 0 && (mode == PadMode.REFLECT && most >= d.constant()
            || mode == PadMode.CIRCULAR && most > d.constant() || mode == PadMode.REPLICATE && d.constant() == 0)) {
          throw new ShapeError("`pad` " + mode.text() + " by " + most + " needs a larger dim than " + d + " (axis "
              + i + ")" + (mode == PadMode.REFLECT ? ": reflect padding must be smaller than the dim" : ""));
        }
        out.add(d.plus(Dim.of(before.get(i) + after.get(i))));
      }
      return x.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.pad(this); }
  }

  /**
   * The adjoint of {@link Pad} with the same attributes: from a padded-shape tensor back to the
   * unpadded shape, adding each padded cell into the cell it was copied from (a crop for constant
   * padding).
   */
  record PadTranspose(PadMode mode, List<Integer> before, List<Integer> after) implements Movement {
    public PadTranspose {
      before = List.copyOf(before);
      after = List.copyOf(after);
    }
    public int arity() { return 1; }
    public String text() { return "pad_transpose " + mode.text() + " " + before + ":" + after; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType g = in.get(0);
      if (before.size() != g.rank()) {
        throw new ShapeError("`pad_transpose` has padding for " + before.size() + " axes but rank " + g.rank());
      }
      List<Dim> out = new ArrayList<>();
      for (int i = 0; i < g.rank(); i++) {
        Dim d = g.shape().dim(i).minus(Dim.of(before.get(i) + after.get(i)));
        if (d.isConstant() && d.constant() < 0) {
          throw new ShapeError("`pad_transpose` removes more than axis " + i + " holds");
        }
        out.add(d);
      }
      return g.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.padTranspose(this); }
  }

  /** Reverses the order of elements along each of {@code axes}. */
  record Flip(List<Integer> axes) implements Movement {
    public Flip {
      axes = List.copyOf(axes);
    }
    public int arity() { return 1; }
    public String text() { return "flip " + axes; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      for (int a : axes) {
        checkAxis(a, in.get(0));
      }
      if (axes.stream().distinct().count() != axes.size()) {
        throw new ShapeError("`flip` axes " + axes + " repeat an axis");
      }
      return in.get(0);
    }
    public <R> R accept(OpVisitor<R> v) { return v.flip(this); }
  }

  // ---- reductions -----------------------------------------------------------------------------

  /** Reduces over {@code axes} (non-negative, sorted); keeps them as size 1 if {@code keepDims}. */
  record Reduce(ReduceFn fn, List<Integer> axes, boolean keepDims) implements Reduction {
    public Reduce {
      axes = List.copyOf(axes);
    }
    public int arity() { return 1; }
    public String text() {
      return "reduce_" + fn.text() + axes + (keepDims ? " keep" : "");
    }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      requireDType("reduce_" + fn.text(), x, DType.F32);
      List<Dim> out = new ArrayList<>();
      if (axes.stream().distinct().count() != axes.size()) {
        throw new ShapeError("axes " + axes + " repeat an axis");
      }
      for (int a : axes) {
        if (a < 0 || a >= x.rank()) {
          throw new ShapeError("axis " + a + " is out of range for a tensor of rank " + x.rank() + " " + x.shape());
        }
      }
      for (int i = 0; i < x.rank(); i++) {
        if (!axes.contains(i)) {
          out.add(x.shape().dim(i));
        } else if (keepDims) {
          out.add(Dim.of(1));
        }
      }
      return x.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.reduce(this); }
  }

  /** Index of the largest element along {@code axis} (the first of ties), as i64; the axis is removed. */
  record ArgMax(int axis) implements Reduction {
    public int arity() { return 1; }
    public String text() { return "argmax[" + axis + "]"; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      requireDType("argmax", x, DType.F32);
      checkAxis(axis, x);
      List<Dim> out = new ArrayList<>(x.shape().dims());
      out.remove(axis);
      return new TensorType(DType.I64, new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.argMax(this); }
  }

  /**
   * Max or sum over sliding windows of the trailing dims ({@code [..., *S] -> [..., *OS]}): the
   * primitive of pooling. Windows never hang over the input; padding and ceil mode pad first.
   */
  record Window(WindowFn fn, WindowGeometry geometry) implements Reduction {
    public int arity() { return 1; }
    public String text() { return "window_" + fn.text() + " " + geometry.text(); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      requireDType("window_" + fn.text(), x, DType.F32);
      int lead = x.rank() - geometry.dims();
      if (lead < 0) {
        throw new ShapeError("a " + geometry.dims() + "-d pooling window needs a tensor of rank " + geometry.dims()
            + " or more, got " + x.shape());
      }
      List<Dim> out = new ArrayList<>(x.shape().dims().subList(0, lead));
      out.addAll(geometry.outputSizes("pool", x.shape().dims().subList(lead, x.rank())));
      return x.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.window(this); }
  }

  /**
   * The adjoint of a window sum: {@code g [..., *OS] -> [..., *S]}, each position receiving the sum
   * of g over the windows that contain it. {@code inputSpatial} is S.
   */
  record WindowSumTranspose(WindowGeometry geometry, List<Dim> inputSpatial) implements Reduction {
    public WindowSumTranspose {
      inputSpatial = List.copyOf(inputSpatial);
    }
    public int arity() { return 1; }
    public String text() { return "window_sum_transpose " + geometry.text() + " to " + inputSpatial; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType g = in.get(0);
      requireDType("window_sum_transpose", g, DType.F32);
      int lead = g.rank() - geometry.dims();
      if (lead < 0 || !geometry.outputSizes("pool", inputSpatial).equals(g.shape().dims().subList(lead, g.rank()))) {
        throw new ShapeError("`window_sum_transpose`: " + g.shape() + " is not the window output of " + inputSpatial);
      }
      List<Dim> out = new ArrayList<>(g.shape().dims().subList(0, lead));
      out.addAll(inputSpatial);
      return g.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.windowSumTranspose(this); }
  }

  // ---- contractions ---------------------------------------------------------------------------

  /**
   * {@code op(a) @ op(b)}: {@code [..., M, K] @ [..., K, P] -> [..., M, P]}, leading dims broadcast;
   * both operands have rank 2 or more. {@code op(x)} is {@code x} with its last two axes swapped when
   * the operand's transpose flag is set, so {@code x @ w^T} (every Linear layer) and the weight
   * gradient {@code x^T @ dy} read their operands where they lie: BLAS's {@code transA}/{@code transB}.
   * The language writes a plain {@code @}; the optimizer's {@code TransposeFolding} sets the flags.
   */
  record MatMul(boolean transposeA, boolean transposeB) implements Contraction {
    /** A plain {@code a @ b}. */
    public MatMul() {
      this(false, false);
    }
    public int arity() { return 2; }
    public String text() {
      return "matmul" + (transposeA ? " transpose_a" : "") + (transposeB ? " transpose_b" : "");
    }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType a = in.get(0);
      TensorType b = in.get(1);
      requireDType("@", a, DType.F32);
      requireDType("@", b, DType.F32);
      if (a.rank() < 2 || b.rank() < 2) {
        throw new ShapeError("`@` needs operands of rank 2 or more, got " + a.shape() + " @ " + b.shape());
      }
      Dim rows = a.shape().dim(a.rank() - (transposeA ? 1 : 2));
      Dim k1 = a.shape().dim(a.rank() - (transposeA ? 2 : 1));
      Dim k2 = b.shape().dim(b.rank() - (transposeB ? 1 : 2));
      Dim cols = b.shape().dim(b.rank() - (transposeB ? 2 : 1));
      if (!k1.equals(k2)) {
        throw new ShapeError("`@` needs the last dim of the left operand to equal the second-to-last of the right: "
            + a.shape() + (transposeA ? "^T" : "") + " @ " + b.shape() + (transposeB ? "^T" : "") + " (" + k1 + " vs "
            + k2 + ")");
      }
      Shape lead = broadcast("@",
          new Shape(a.shape().dims().subList(0, a.rank() - 2)), new Shape(b.shape().dims().subList(0, b.rank() - 2)));
      List<Dim> out = new ArrayList<>(lead.dims());
      out.add(rows);
      out.add(cols);
      return a.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.matMul(this); }
  }

  /**
   * Convolution as in PyTorch (cross-correlation, zero padding): {@code x [N, C, *S]} with
   * {@code w [O, C / groups, *K]} gives {@code [N, O, *OS]}.
   */
  record Conv(ConvGeometry geometry) implements Contraction {
    public int arity() { return 2; }
    public String text() { return "conv " + geometry.text(); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      TensorType w = in.get(1);
      checkConvOperands("conv", x, w, geometry);
      Dim c = x.shape().dim(1);
      Dim perGroup = w.shape().dim(1);
      if (!perGroup.times(Dim.of(geometry.groups())).equals(c)) {
        throw new ShapeError("`conv` with " + geometry.groups() + " group(s) needs weights with " + c + " / "
            + geometry.groups() + " input channels per group, got " + w.shape() + " for an input " + x.shape());
      }
      List<Dim> out = new ArrayList<>();
      out.add(x.shape().dim(0));
      out.add(w.shape().dim(0));
      out.addAll(geometry.outputSizes("conv", spatial(x), spatial(w)));
      return x.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.conv(this); }
  }

  /**
   * The adjoint of {@link Conv} with respect to its input (a transposed convolution):
   * {@code dy [N, O, *OS]} with {@code w [O, C / groups, *K]} gives {@code [N, C, *S]}, where
   * {@code S = inputSpatial} is one of the sizes that the geometry maps to OS.
   */
  record ConvTranspose(ConvGeometry geometry, List<Dim> inputSpatial) implements Contraction {
    public ConvTranspose {
      inputSpatial = List.copyOf(inputSpatial);
    }
    public int arity() { return 2; }
    public String text() { return "conv_transpose " + geometry.text() + " to " + inputSpatial; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType dy = in.get(0);
      TensorType w = in.get(1);
      checkConvOperands("conv_transpose", dy, w, geometry);
      if (!dy.shape().dim(1).equals(w.shape().dim(0))) {
        throw new ShapeError("`conv_transpose` needs weights with " + dy.shape().dim(1) + " input channels first, got "
            + w.shape());
      }
      if (inputSpatial.size() != geometry.spatial()
          || !geometry.outputSizes("conv_transpose", inputSpatial, spatial(w)).equals(spatial(dy))) {
        throw new ShapeError("`conv_transpose`: an output of spatial size " + inputSpatial + " does not give "
            + spatial(dy) + " under " + geometry.text());
      }
      List<Dim> out = new ArrayList<>();
      out.add(dy.shape().dim(0));
      out.add(w.shape().dim(1).times(Dim.of(geometry.groups())));
      out.addAll(inputSpatial);
      return dy.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.convTranspose(this); }
  }

  /**
   * The adjoint of {@link Conv} with respect to its weights: {@code x [N, C, *S]} and
   * {@code dy [N, O, *OS]} give {@code [O, C / groups, *kernel]}.
   */
  record ConvFilterGrad(ConvGeometry geometry, List<Integer> kernel) implements Contraction {
    public ConvFilterGrad {
      kernel = List.copyOf(kernel);
    }
    public int arity() { return 2; }
    public String text() { return "conv_filter_grad " + geometry.text() + " kernel=" + kernel; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      TensorType dy = in.get(1);
      requireDType("conv_filter_grad", x, DType.F32);
      requireDType("conv_filter_grad", dy, DType.F32);
      int rank = geometry.spatial() + 2;
      if (x.rank() != rank || dy.rank() != rank || kernel.size() != geometry.spatial()) {
        throw new ShapeError("`conv_filter_grad` needs operands of rank " + rank + ", got " + x.shape() + " and "
            + dy.shape());
      }
      List<Dim> k = kernel.stream().map(i -> Dim.of(i)).toList();
      if (!x.shape().dim(0).equals(dy.shape().dim(0)) || !geometry.outputSizes("conv", spatial(x), k).equals(spatial(dy))) {
        throw new ShapeError("`conv_filter_grad`: " + dy.shape() + " is not the conv output of " + x.shape());
      }
      Dim c = x.shape().dim(1);
      Dim perGroup = c.floorDiv(Dim.of(geometry.groups()));
      List<Dim> out = new ArrayList<>();
      out.add(dy.shape().dim(1));
      out.add(perGroup);
      out.addAll(k);
      return x.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.convFilterGrad(this); }
  }

  // ---- indexing -------------------------------------------------------------------------------

  /** i64 class indices {@code [*]} to f32 one-hot rows {@code [*, classes]}. */
  record OneHot(long classes) implements Indexing {
    public int arity() { return 1; }
    public String text() { return "one_hot " + classes; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      requireDType("one_hot", in.get(0), DType.I64);
      List<Dim> out = new ArrayList<>(in.get(0).shape().dims());
      out.add(Dim.of(classes));
      return new TensorType(DType.F32, new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.oneHot(this); }
  }

  /** Rows of {@code table [V, ...]} picked by i64 {@code indices [*]}: result {@code [*, ...]} (embedding). */
  record Gather() implements Indexing {
    public int arity() { return 2; }
    public String text() { return "gather"; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType table = in.get(0);
      requireDType("gather", in.get(1), DType.I64);
      if (table.rank() < 1) {
        throw new ShapeError("`gather` needs a table of rank 1 or more, got a scalar");
      }
      List<Dim> out = new ArrayList<>(in.get(1).shape().dims());
      out.addAll(table.shape().dims().subList(1, table.rank()));
      return table.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.gather(this); }
  }

  /** The adjoint of gather: sums rows of {@code values [*, ...]} into {@code [rows, ...]} at {@code indices [*]}. */
  record ScatterAdd(Dim rows) implements Indexing {
    public int arity() { return 2; }
    public String text() { return "scatter_add " + rows; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType values = in.get(0);
      TensorType idx = in.get(1);
      requireDType("scatter_add", idx, DType.I64);
      int lead = idx.rank();
      if (values.rank() < lead || !values.shape().dims().subList(0, lead).equals(idx.shape().dims())) {
        throw new ShapeError("`scatter_add` needs values whose leading dims are the index shape " + idx.shape()
            + ", got " + values.shape());
      }
      List<Dim> out = new ArrayList<>();
      out.add(rows);
      out.addAll(values.shape().dims().subList(lead, values.rank()));
      return values.withShape(new Shape(out));
    }
    public <R> R accept(OpVisitor<R> v) { return v.scatterAdd(this); }
  }

  /**
   * The gradient of a window max: {@code (x [..., *S], g [..., *OS]) -> [..., *S]}, each g routed
   * to the first maximum of its window of x (as PyTorch's max pooling), summed where windows overlap.
   */
  record WindowMaxGrad(WindowGeometry geometry) implements Indexing {
    public int arity() { return 2; }
    public String text() { return "window_max_grad " + geometry.text(); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType x = in.get(0);
      TensorType g = in.get(1);
      requireDType("window_max_grad", x, DType.F32);
      requireDType("window_max_grad", g, DType.F32);
      TensorType pooled = new Window(WindowFn.MAX, geometry).infer(List.of(x));
      if (!pooled.equals(g)) {
        throw new ShapeError("`window_max_grad`: " + g.shape() + " is not the window output of " + x.shape());
      }
      return x;
    }
    public <R> R accept(OpVisitor<R> v) { return v.windowMaxGrad(this); }
  }

  // ---- random ---------------------------------------------------------------------------------

  /**
   * Uniform f32 samples in [0, 1) (dropout masks, noise): element {@code i} (row-major) is
   * {@link CounterRandom#uniform}{@code (key, salt, i)} for the run's key. {@code salt} tells this
   * node's stream from every other's; the tracer gives each random op its own when it creates it,
   * and passes copy it with the op, so renumbering nodes never changes a draw.
   */
  record RandomUniform(TensorType type, long salt) implements Random {
    public RandomUniform {
      if (type.dtype() != DType.F32) {
        throw new IllegalArgumentException("random_uniform draws f32 values, not " + type.dtype());
      }
      CounterRandom.checkSalt(salt);
    }
    public int arity() { return 0; }
    public String text() { return "random_uniform salt=" + salt; }
    public TensorType infer(List<TensorType> in) { return type; }
    public <R> R accept(OpVisitor<R> v) { return v.randomUniform(this); }
  }

  /** Standard normal f32 samples: element {@code i} is {@link CounterRandom#normal}{@code (key, salt, i)}. */
  record RandomNormal(TensorType type, long salt) implements Random {
    public RandomNormal {
      if (type.dtype() != DType.F32) {
        throw new IllegalArgumentException("random_normal draws f32 values, not " + type.dtype());
      }
      CounterRandom.checkSalt(salt);
    }
    public int arity() { return 0; }
    public String text() { return "random_normal salt=" + salt; }
    public TensorType infer(List<TensorType> in) { return type; }
    public <R> R accept(OpVisitor<R> v) { return v.randomNormal(this); }
  }

  /**
   * A uniformly random permutation of {@code 0 .. n-1} as i64[n] (shuffling a batch): the indices
   * sorted by their keys {@link CounterRandom#permutationKey}{@code (key, salt, i, n)}, which are
   * distinct, so the order is a pure function of the run key and the salt. Sorting random keys
   * (rather than a Fisher–Yates shuffle) keeps every element's key independent of the others, which
   * a parallel backend can compute and sort without a sequential pass.
   */
  record RandomPermutation(Dim n, long salt) implements Random {
    public RandomPermutation {
      CounterRandom.checkSalt(salt);
    }
    public int arity() { return 0; }
    public String text() { return "random_permutation salt=" + salt; }
    public TensorType infer(List<TensorType> in) { return new TensorType(DType.I64, Shape.of(n)); }
    public <R> R accept(OpVisitor<R> v) { return v.randomPermutation(this); }
  }

  /**
   * One class index per row of f32 logits {@code [*B, C]}, drawn with probabilities
   * {@code softmax(logits)} over the last axis: i64 {@code [*B]}. Gumbel-max: the index of the
   * largest {@code logits[b, c] + g}, where {@code g} is {@link CounterRandom#gumbel}{@code (key,
   * salt, b * C + c)} (the row-major index of the logit), in double; ties go to the lowest index.
   * Unnormalized logits are fine (adding a constant to a row changes nothing); a class with logit
   * {@code -inf} is never drawn unless every class of its row is, which gives 0.
   */
  record Categorical(long salt) implements Random {
    public Categorical {
      CounterRandom.checkSalt(salt);
    }
    public int arity() { return 1; }
    public String text() { return "categorical salt=" + salt; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType logits = in.get(0);
      requireDType("categorical", logits, DType.F32);
      if (logits.rank() < 1) {
        throw new ShapeError("`categorical` needs logits with a class axis last, [*B, C], got a scalar");
      }
      return new TensorType(DType.I64, new Shape(logits.shape().dims().subList(0, logits.rank() - 1)));
    }
    public <R> R accept(OpVisitor<R> v) { return v.categorical(this); }
  }

  // ---- control ------------------------------------------------------------------------------

  /**
   * A loop over axis 0 of its sequences: {@code carry, y_t = body(carry, x_t, consts)} for
   * {@code t = 0 .. length - 1} (or backwards when {@code reverse}), as JAX's {@code lax.scan}.
   * Operands: {@code carries} initial carries, {@code sequences} tensors whose axis 0 has
   * {@code length} steps, then {@code consts} values every step reads (captured weights). The body
   * has inputs {@code carry<i>}, {@code x<j>} (one step of each sequence) and {@code const<k>}, and
   * outputs {@code carry<i>} (the new carries, of the same types) and {@code y<m>} (this step's
   * outputs). A scan's results are read with {@link ScanResult}: the final carries, then each
   * {@code y<m>} stacked along a new axis 0, then each carry as it was at the start of every step,
   * stacked likewise (what the gradient needs). The node's own type is that of its first operand.
   */
  record Scan(Graph body, int carries, int sequences, int consts, Dim length, boolean reverse) implements Control {
    public Scan {
      if (carries < 1 || sequences < 0 || consts < 0) {
        throw new IllegalArgumentException("a scan needs a carry");
      }
    }
    public int arity() { return carries + sequences + consts; }
    public String text() {
      String inner = body.dump().replace("\n", "\n    ").stripTrailing();
      return "scan carries=" + carries + " sequences=" + sequences + " consts=" + consts + " length=" + length
          + (reverse ? " reverse" : "") + " " + inner;  // the body's closing line carries the operands
    }
    /** The number of per-step outputs {@code y<m>} of the body. */
    public int outputs() {
      return (int) body.outputs().keySet().stream().filter(n -> n.startsWith("y")).count();
    }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      for (int i = 0; i < carries; i++) {
        TensorType want = body.output("carry" + i).type();
        if (!in.get(i).equals(want) || !bodyInput("carry" + i).equals(want)) {
          throw new ShapeError("`scan`: carry " + i + " starts as " + in.get(i) + " but the step makes it " + want);
        }
      }
      for (int j = 0; j < sequences; j++) {
        TensorType x = in.get(carries + j);
        if (x.rank() < 1 || !x.shape().dim(0).equals(length)) {
          throw new ShapeError("`scan` steps over axis 0 of every sequence: " + x + " does not have " + length
              + " steps there");
        }
        TensorType step = x.withShape(new Shape(x.shape().dims().subList(1, x.rank())));
        if (!bodyInput("x" + j).equals(step)) {
          throw new ShapeError("`scan`: the step reads " + bodyInput("x" + j) + " from sequence " + j + ", which has "
              + step + " per step");
        }
      }
      for (int k = 0; k < consts; k++) {
        if (!bodyInput("const" + k).equals(in.get(carries + sequences + k))) {
          throw new ShapeError("`scan`: constant " + k + " is " + in.get(carries + sequences + k) + ", the body reads "
              + bodyInput("const" + k));
        }
      }
      return in.get(0);
    }
    /** The type of body input {@code name}. */
    private TensorType bodyInput(String name) throws ShapeError {
      return body.inputs().stream().filter(n -> ((Input) n.op()).name().equals(name)).findFirst()
          .orElseThrow(() -> new ShapeError("`scan`: the body has no input " + name)).type();
    }
    /** The type of result {@code index} (see the class comment for their order). */
    public TensorType resultType(int index) {
      int ys = outputs();
      if (index < carries) {
        return body.output("carry" + index).type();
      }
      TensorType step = index < carries + ys ? body.output("y" + (index - carries)).type()
          : body.output("carry" + (index - carries - ys)).type();
      List<Dim> dims = new ArrayList<>();
      dims.add(length);
      dims.addAll(step.shape().dims());
      return step.withShape(new Shape(dims));
    }
    public <R> R accept(OpVisitor<R> v) { return v.scan(this); }
  }

  /** Result {@code index} of a {@link Scan} (its only operand), of type {@code type}. */
  record ScanResult(int index, TensorType type) implements Control {
    public int arity() { return 1; }
    public String text() { return "scan_result " + index; }
    public TensorType infer(List<TensorType> in) { return type; }
    public <R> R accept(OpVisitor<R> v) { return v.scanResult(this); }
  }

  // ---- shared rules ---------------------------------------------------------------------------

  /** NumPy broadcasting: align from the right; dims must be equal or 1. */
  static Shape broadcast(String what, Shape a, Shape b) throws ShapeError {
    int rank = Math.max(a.rank(), b.rank());
    List<Dim> out = new ArrayList<>();
    Dim one = Dim.of(1);
    for (int i = 0; i < rank; i++) {
      int ia = a.rank() - rank + i;
      int ib = b.rank() - rank + i;
      Dim da = ia >= 0 ? a.dim(ia) : one;
      Dim db = ib >= 0 ? b.dim(ib) : one;
      if (da.equals(db) || db.equals(one)) {
        out.add(da);
      } else if (da.equals(one)) {
        out.add(db);
      } else {
        throw new ShapeError("`" + what + "` cannot broadcast " + a + " with " + b + ": dim " + da + " vs " + db);
      }
    }
    return new Shape(out);
  }

  private static void requireDType(String what, TensorType t, DType want) throws ShapeError {
    if (t.dtype() != want) {
      throw new ShapeError("`" + what + "` needs " + want + " values, got " + t.dtype() + t.shape());
    }
  }

  private static void checkAxis(int axis, TensorType x) throws ShapeError {
    if (axis < 0 || axis >= x.rank()) {
      throw new ShapeError("axis " + axis + " is out of range for a tensor of rank " + x.rank() + " " + x.shape());
    }
  }

  /** Rank, dtype and kernel checks shared by the convolution ops. */
  private static void checkConvOperands(String what, TensorType x, TensorType w, ConvGeometry g) throws ShapeError {
    requireDType(what, x, DType.F32);
    requireDType(what, w, DType.F32);
    int rank = g.spatial() + 2;
    if (x.rank() != rank) {
      throw new ShapeError("`" + what + "` over " + g.spatial() + " spatial dim(s) needs an input [N, C, ...] of rank "
          + rank + ", got " + x.shape());
    }
    if (w.rank() != rank) {
      throw new ShapeError("`" + what + "` over " + g.spatial() + " spatial dim(s) needs weights of rank " + rank
          + ", got " + w.shape());
    }
    Dim o = w.shape().dim(0);
    if (o.isConstant() && o.constant() % g.groups() != 0) {
      throw new ShapeError("`" + what + "` with " + g.groups() + " groups needs a channel count divisible by "
          + g.groups() + ", got " + o + " (weights " + w.shape() + ")");
    }
  }

  /** The spatial dims of an [N, C, *S] tensor (or the kernel dims of [O, I, *K] weights). */
  private static List<Dim> spatial(TensorType t) {
    return t.shape().dims().subList(2, t.rank());
  }
}
