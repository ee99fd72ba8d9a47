package dev.nnet.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The primitive operations of the graph IR. Everything else (layers, activations, losses,
 * optimizer updates) is built from these, so each backend implements only this list.
 *
 * <p>Each primitive declares its shape and dtype rule here, in {@link #infer}; its gradient rule
 * lives in one place in the compiler's {@code grad} package; its reference kernel in the runtime's
 * executor. The rules work on symbolic shapes (for the checker) and on concrete ones alike.
 */
public sealed interface Op {

  /** How many inputs the op takes; -1 for any number (concat). */
  int arity();

  /** The op's name and attributes as written in IR dumps, e.g. {@code reduce_sum[1]}. */
  String text();

  /** The result type for operands of the given types, or a {@link ShapeError} saying why not. */
  TensorType infer(List<TensorType> in) throws ShapeError;

  // ---- leaves ---------------------------------------------------------------------------------

  /** A value fed from outside: a batch of data, a label, a learning rate. */
  record Input(String name, TensorType type) implements Op {
    public int arity() { return 0; }
    public String text() { return "input \"" + name + "\""; }
    public TensorType infer(List<TensorType> in) { return type; }
  }

  /** Trainable weights ({@code trainable}) or state such as running statistics and optimizer moments. */
  record Parameter(String name, TensorType type, boolean trainable) implements Op {
    public int arity() { return 0; }
    public String text() { return (trainable ? "param \"" : "state \"") + name + "\""; }
    public TensorType infer(List<TensorType> in) { return type; }
  }

  /** A concrete constant tensor. */
  record Constant(ConstantData value) implements Op {
    public int arity() { return 0; }
    public String text() {
      return value.size() == 1 ? "const " + value.get(0) : "const " + Arrays.toString(value.shape());
    }
    public TensorType infer(List<TensorType> in) {
      return value.type();
    }
  }

  /** A tensor filled with one value; its shape may be symbolic (zeros of the batch's shape). */
  record Fill(double value, TensorType type) implements Op {
    public int arity() { return 0; }
    public String text() { return "fill " + value; }
    public TensorType infer(List<TensorType> in) { return type; }
  }

  /** Uniform f32 samples in [0, 1) from the executor's seeded stream (dropout masks, noise). */
  record RandomUniform(TensorType type) implements Op {
    public RandomUniform {
      if (type.dtype() != DType.F32) {
        throw new IllegalArgumentException("random_uniform draws f32 values, not " + type.dtype());
      }
    }

    public int arity() { return 0; }
    public String text() { return "random_uniform"; }
    public TensorType infer(List<TensorType> in) { return type; }
  }

  /** Standard normal f32 samples from the executor's seeded stream. */
  record RandomNormal(TensorType type) implements Op {
    public RandomNormal {
      if (type.dtype() != DType.F32) {
        throw new IllegalArgumentException("random_normal draws f32 values, not " + type.dtype());
      }
    }

    public int arity() { return 0; }
    public String text() { return "random_normal"; }
    public TensorType infer(List<TensorType> in) { return type; }
  }

  // ---- elementwise ----------------------------------------------------------------------------

  record Unary(UnaryFn fn) implements Op {
    public int arity() { return 1; }
    public String text() { return fn.text(); }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      requireDType(fn.text(), in.get(0), DType.F32);
      return in.get(0);
    }
  }

  /** Elementwise with NumPy broadcasting; both operands must have the same dtype. */
  record Binary(BinaryFn fn) implements Op {
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
  }

  /** {@code where(cond, a, b)}: a where cond is true, else b; all three broadcast. */
  record Where() implements Op {
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
  }

  record Cast(DType to) implements Op {
    public int arity() { return 1; }
    public String text() { return "cast " + to; }
    public TensorType infer(List<TensorType> in) { return in.get(0).withDType(to); }
  }

  /** Identity forward; blocks gradients ({@code detach}). */
  record StopGradient() implements Op {
    public int arity() { return 1; }
    public String text() { return "stop_gradient"; }
    public TensorType infer(List<TensorType> in) { return in.get(0); }
  }

  // ---- reductions -----------------------------------------------------------------------------

  /** Reduces over {@code axes} (non-negative, sorted); keeps them as size 1 if {@code keepDims}. */
  record Reduce(ReduceFn fn, List<Integer> axes, boolean keepDims) implements Op {
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
  }

  /** Index of the largest element along {@code axis}, as i64; the axis is removed. */
  record ArgMax(int axis) implements Op {
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
  }

  // ---- matrix product -------------------------------------------------------------------------

  /** {@code [..., M, K] @ [..., K, P] -> [..., M, P]}, leading dims broadcast; both operands have rank 2 or more. */
  record MatMul() implements Op {
    public int arity() { return 2; }
    public String text() { return "matmul"; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      TensorType a = in.get(0);
      TensorType b = in.get(1);
      requireDType("@", a, DType.F32);
      requireDType("@", b, DType.F32);
      if (a.rank() < 2 || b.rank() < 2) {
        throw new ShapeError("`@` needs operands of rank 2 or more, got " + a.shape() + " @ " + b.shape());
      }
      Dim k1 = a.shape().dim(a.rank() - 1);
      Dim k2 = b.shape().dim(b.rank() - 2);
      if (!k1.equals(k2)) {
        throw new ShapeError("`@` needs the last dim of the left operand to equal the second-to-last of the right: "
            + a.shape() + " @ " + b.shape() + " (" + k1 + " vs " + k2 + ")");
      }
      Shape lead = broadcast("@",
          new Shape(a.shape().dims().subList(0, a.rank() - 2)), new Shape(b.shape().dims().subList(0, b.rank() - 2)));
      List<Dim> out = new ArrayList<>(lead.dims());
      out.add(a.shape().dim(a.rank() - 2));
      out.add(b.shape().dim(b.rank() - 1));
      return a.withShape(new Shape(out));
    }
  }

  // ---- movement -------------------------------------------------------------------------------

  /** Same elements, new shape of equal size. */
  record Reshape(Shape target) implements Op {
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
  }

  /** Reorders axes: output axis i is input axis {@code order.get(i)}. */
  record Permute(List<Integer> order) implements Op {
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
  }

  /** Broadcasts to {@code target} (size-1 dims repeat; new leading dims are added). */
  record Expand(Shape target) implements Op {
    public int arity() { return 1; }
    public String text() { return "expand " + target; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      Shape s = broadcast("expand", in.get(0).shape(), target);
      if (!s.equals(target)) {
        throw new ShapeError("cannot expand " + in.get(0).shape() + " to " + target);
      }
      return in.get(0).withShape(target);
    }
  }

  /** Elements {@code start, start+step, ...} below {@code end} along {@code axis}; bounds are concrete. */
  record Slice(int axis, long start, long end, long step) implements Op {
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
  }

  /** Joins tensors along {@code axis}; all other dims must agree. */
  record Concat(int axis) implements Op {
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
  }

  // ---- indexing -------------------------------------------------------------------------------

  /** i64 class indices {@code [*]} to f32 one-hot rows {@code [*, classes]}. */
  record OneHot(long classes) implements Op {
    public int arity() { return 1; }
    public String text() { return "one_hot " + classes; }
    public TensorType infer(List<TensorType> in) throws ShapeError {
      requireDType("one_hot", in.get(0), DType.I64);
      List<Dim> out = new ArrayList<>(in.get(0).shape().dims());
      out.add(Dim.of(classes));
      return new TensorType(DType.F32, new Shape(out));
    }
  }

  /** Rows of {@code table [V, ...]} picked by i64 {@code indices [*]}: result {@code [*, ...]} (embedding). */
  record Gather() implements Op {
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
  }

  /** The adjoint of gather: sums rows of {@code values [*, ...]} into {@code [rows, ...]} at {@code indices [*]}. */
  record ScatterAdd(Dim rows) implements Op {
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
}
