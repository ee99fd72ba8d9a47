package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.init.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The built-in names of the language: the primitive tensor operations, dtypes, initializers,
 * optimizers and data sources. Everything else (layers, activations, losses) is written in .nnet
 * in the standard library on top of these.
 */
final class Builtins {
  private Builtins() {}

  /** A scope holding every built-in; the root of every file's scope. */
  static Scope prelude() {
    Scope s = new Scope(null);
    for (DType d : DType.values()) {
      s.define(d.text(), new Val.DTypeV(d));
    }
    for (UnaryFn fn : UnaryFn.values()) {
      define(s, fn.text(), (t, a, span) -> unary(t, a, span, fn));
    }
    // The library wraps these two primitives under their own names; the raw forms stay reachable.
    define(s, "__sigmoid", (t, a, span) -> unary(t, a, span, UnaryFn.SIGMOID));
    define(s, "__tanh", (t, a, span) -> unary(t, a, span, UnaryFn.TANH));
    define(s, "maximum", (t, a, span) -> binaryFn(t, a, span, BinaryFn.MAX));
    define(s, "minimum", (t, a, span) -> binaryFn(t, a, span, BinaryFn.MIN));
    define(s, "pow", (t, a, span) -> binaryFn(t, a, span, BinaryFn.POW));
    define(s, "where", Builtins::where);
    define(s, "cast", (t, a, span) -> {
      a.expectAtMost(2);
      return t.tensor(new Op.Cast(a.dtype(1, "dtype")), span, a.tensor(0, "x"));
    });
    define(s, "detach", (t, a, span) -> {
      a.expectAtMost(1);
      Val.Tensor x = a.tensor(0, "x");
      return new Val.Tensor(t.tensor(new Op.StopGradient(), span, x).value(), x.origin());
    });
    define(s, "sum", (t, a, span) -> reduce(t, a, span, ReduceFn.SUM));
    define(s, "mean", (t, a, span) -> reduce(t, a, span, ReduceFn.MEAN));
    define(s, "max", (t, a, span) -> reduce(t, a, span, ReduceFn.MAX));
    define(s, "argmax", (t, a, span) -> {
      a.expectAtMost(2, "x", "axis");
      Val.Tensor x = a.tensor(0, "x");
      return t.tensor(new Op.ArgMax(axis(a, 1, x, -1)), span, x);
    });
    define(s, "matmul", (t, a, span) -> {
      a.expectAtMost(2);
      return t.tensor(new Op.MatMul(), span, a.tensor(0, "a"), a.tensor(1, "b"));
    });
    define(s, "reshape", Builtins::reshape);
    define(s, "flatten", Builtins::flatten);
    define(s, "permute", (t, a, span) -> {
      a.expectAtMost(2, "x", "order");
      Val.Tensor x = a.tensor(0, "x");
      List<Integer> order = new ArrayList<>();
      for (Val v : list(a, 1, "order")) {
        order.add(normalizeAxis(t.intOf(v, span), x.value().rank(), span));
      }
      return t.tensor(new Op.Permute(order), span, x);
    });
    define(s, "transpose", (t, a, span) -> {
      a.expectAtMost(3, "x", "a", "b");
      Val.Tensor x = a.tensor(0, "x");
      int r = x.value().rank();
      int i = normalizeAxis(a.intValue(1, "a", -2L), r, span);
      int j = normalizeAxis(a.intValue(2, "b", -1L), r, span);
      List<Integer> order = new ArrayList<>(GraphBuilder.allAxes(r));
      order.set(i, j);
      order.set(j, i);
      return t.tensor(new Op.Permute(order), span, x);
    });
    define(s, "expand", (t, a, span) -> {
      a.expectAtMost(2, "x", "shape");
      return t.tensor(new Op.Expand(shapeArg(t, a, 1, "shape", span)), span, a.tensor(0, "x"));
    });
    define(s, "concat", (t, a, span) -> {
      a.expectAtMost(2, "tensors", "axis");
      List<Val> items = list(a, 0, "tensors");
      if (items.isEmpty()) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`concat` needs at least one tensor");
      }
      Val.Tensor[] ts = new Val.Tensor[items.size()];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = t.asTensor(items.get(i), null, span);
      }
      return t.tensor(new Op.Concat(normalizeAxis(a.intValue(1, "axis", 0L), ts[0].value().rank(), span)), span, ts);
    });
    define(s, "one_hot", (t, a, span) -> {
      a.expectAtMost(2, "indices", "classes");
      return t.tensor(new Op.OneHot(a.intValue(1, "classes", null)), span, a.tensor(0, "indices"));
    });
    define(s, "gather", (t, a, span) -> {
      a.expectAtMost(2, "table", "indices");
      return t.tensor(new Op.Gather(), span, a.tensor(0, "table"), a.tensor(1, "indices"));
    });
    define(s, "random_uniform", (t, a, span) -> {
      a.expectAtMost(1, "shape");
      return new Val.Tensor(t.graph().addChecked(new Op.RandomUniform(TensorType.f32(shapeArg(t, a, 0, "shape", span)), t.graph().nextSalt()), span), span);
    });
    define(s, "random_normal", (t, a, span) -> {
      a.expectAtMost(1, "shape");
      return new Val.Tensor(t.graph().addChecked(new Op.RandomNormal(TensorType.f32(shapeArg(t, a, 0, "shape", span)), t.graph().nextSalt()), span), span);
    });
    define(s, "randperm", (t, a, span) -> {
      a.expectAtMost(1, "n");
      Dim n = a.dim(0, "n");
      if (n.isConstant() && n.constant() < 0) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`randperm` needs a non-negative length, got " + n);
      }
      return new Val.Tensor(t.graph().addChecked(new Op.RandomPermutation(n, t.graph().nextSalt()), span), span);
    });
    define(s, "categorical", (t, a, span) -> {
      a.expectAtMost(1, "logits");
      return t.tensor(new Op.Categorical(t.graph().nextSalt()), span, a.tensor(0, "logits"));
    });
    define(s, "fill", (t, a, span) -> {
      a.expectAtMost(2, "shape", "value");
      Shape shape = shapeArg(t, a, 0, "shape", span);
      return new Val.Tensor(t.graph().addChecked(new Op.Fill(a.number(1, "value", null), TensorType.f32(shape)), span), span);
    });
    define(s, "tensor", Builtins::tensorLiteral);
    define(s, "stack", (t, a, span) -> {
      a.expectAtMost(2, "tensors", "axis");
      List<Val> items = list(a, 0, "tensors");
      if (items.isEmpty()) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`stack` needs at least one tensor");
      }
      Val.Tensor[] ts = new Val.Tensor[items.size()];
      for (int i = 0; i < ts.length; i++) {
        Val.Tensor x = t.asTensor(items.get(i), null, span);
        int axis = normalizeAxis(a.intValue(1, "axis", 0L), x.value().rank() + 1, span);
        List<Dim> dims = new ArrayList<>(x.value().shape().dims());
        dims.add(axis, Dim.of(1));
        ts[i] = t.tensor(new Op.Reshape(new Shape(dims)), span, x);
      }
      int axis = normalizeAxis(a.intValue(1, "axis", 0L), ts[0].value().rank(), span);
      return t.tensor(new Op.Concat(axis), span, ts);
    });
    define(s, "flip", (t, a, span) -> {
      a.expectAtMost(2, "x", "dims");
      Val.Tensor x = a.tensor(0, "x");
      Args.Arg dims = a.require(1, "dims");
      List<Integer> axes = new ArrayList<>();
      for (Val v : dims.value() instanceof Val.Int ? List.of(dims.value()) : list(a, 1, "dims")) {
        axes.add(normalizeAxis(t.intOf(v, dims.span()), x.value().rank(), dims.span()));
      }
      return t.tensor(new Op.Flip(axes), span, x);
    });
    define(s, "arange", Builtins::arange);
    define(s, "as_tensor", Builtins::asTensor);
    define(s, "scan", ScanBuiltin::scan);
    define(s, "squeeze", Builtins::squeeze);
    define(s, "unsqueeze", (t, a, span) -> {
      a.expectAtMost(2, "x", "dim");
      Val.Tensor x = a.tensor(0, "x");
      int axis = normalizeAxis(a.intValue(1, "dim", null), x.value().rank() + 1, a.require(1, "dim").span());
      List<Dim> dims = new ArrayList<>(x.value().shape().dims());
      dims.add(axis, Dim.of(1));
      return t.tensor(new Op.Reshape(new Shape(dims)), span, x);
    });
    SpatialBuiltins.define(s);
    GradientBuiltins.define(s);
    define(s, "zeros_like", (t, a, span) -> like(t, a, span, 0));
    define(s, "ones_like", (t, a, span) -> like(t, a, span, 1));
    define(s, "numel", (t, a, span) -> {
      a.expectAtMost(1);
      return new Val.Int(a.tensor(0, "x").value().shape().numel());
    });
    defineInitializers(s);
    defineOptimizers(s);
    define(s, "csv", (t, a, span) -> {
      a.expectAtMost(1, "path", "header", "allow_nan", "shuffle", "seed");
      Map<String, Object> opts = new LinkedHashMap<>();
      opts.put("header", a.bool(-1, "header", false));
      opts.put("allow_nan", NanAllowance.of(a));
      rowOrder(a, opts);
      return new Val.Source(new DataSourceSpec("csv", a.string(0, "path", null), opts, span));
    });
    define(s, "mnist", (t, a, span) -> {
      a.expectAtMost(1, "dir", "shuffle", "seed");
      Map<String, Object> opts = new LinkedHashMap<>();
      rowOrder(a, opts);
      return new Val.Source(new DataSourceSpec("mnist", a.string(0, "dir", null), opts, span));
    });
    return s;
  }

  /**
   * The options every source takes: {@code shuffle = true} permutes each part's rows once, before
   * the splits (files are often sorted by class or by writer, which makes row-range splits unlike
   * each other), with the permutation drawn from {@code seed} (default 0).
   */
  private static void rowOrder(Args a, Map<String, Object> opts) throws CheckError {
    opts.put("shuffle", a.bool(-1, "shuffle", false));
    opts.put("seed", a.intValue(-1, "seed", 0L));
  }

  /** The names of all built-ins, for completion and docs. */
  static List<String> names() {
    return new ArrayList<>(new TreeSet<>(prelude().locals().keySet()));
  }

  static void define(Scope s, String name, BuiltinFunction f) {
    s.define(name, new Val.Builtin(name, f));
  }

  private static Val unary(Tracer t, Args a, SourceSpan span, UnaryFn fn) throws CheckError {
    a.expectAtMost(1);
    Args.Arg x = a.require(0, "x");
    if (!(x.value() instanceof Val.Tensor)) {
      double v = a.number(0, "x", null);
      double r = fn.applyDouble(v); // the one scalar definition, shared with the kernels
      return new Val.Float(r);
    }
    Val.Tensor in = a.tensor(0, "x");
    return new Val.Tensor(t.tensor(new Op.Unary(fn), span, in).value(), in.origin());
  }

  private static Val binaryFn(Tracer t, Args a, SourceSpan span, BinaryFn fn) throws CheckError {
    a.expectAtMost(2);
    Val x = a.require(0, "a").value();
    Val y = a.require(1, "b").value();
    DType dtype = x instanceof Val.Tensor tx ? tx.value().dtype() : y instanceof Val.Tensor ty ? ty.value().dtype() : null;
    if (dtype == null) {
      double p = a.number(0, "a", null);
      double q = a.number(1, "b", null);
      return new Val.Float(fn.applyDouble(p, q));
    }
    return t.tensor(new Op.Binary(fn), span, t.asTensor(x, dtype, span), t.asTensor(y, dtype, span));
  }

  private static Val where(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(3);
    Val.Tensor cond = a.tensor(0, "cond");
    Val x = a.require(1, "a").value();
    Val y = a.require(2, "b").value();
    DType dtype = x instanceof Val.Tensor tx ? tx.value().dtype() : y instanceof Val.Tensor ty ? ty.value().dtype() : DType.F32;
    return t.tensor(new Op.Where(), span, cond, t.asTensor(x, dtype, span), t.asTensor(y, dtype, span));
  }

  private static Val reduce(Tracer t, Args a, SourceSpan span, ReduceFn fn) throws CheckError {
    a.expectAtMost(2, "x", "axis", "keepdims");
    Args.Arg xa = a.require(0, "x");
    if (fn == ReduceFn.MAX && a.positional().size() == 2 && !(a.positional().get(1).value() instanceof Val.Int)) {
      return binaryFn(t, a, span, BinaryFn.MAX); // max(a, b) of two values
    }
    if (fn == ReduceFn.MAX && !(xa.value() instanceof Val.Tensor) && a.positional().size() == 2) {
      return binaryFn(t, a, span, BinaryFn.MAX);
    }
    Val.Tensor x = a.tensor(0, "x");
    int r = x.value().rank();
    List<Integer> axes = new ArrayList<>();
    Args.Arg ax = a.find(1, "axis");
    if (ax == null) {
      axes.addAll(GraphBuilder.allAxes(r));
    } else if (ax.value() instanceof Val.ListV l) {
      for (Val v : l.items()) {
        axes.add(normalizeAxis(t.intOf(v, ax.span()), r, ax.span()));
      }
    } else {
      axes.add(normalizeAxis(t.intOf(ax.value(), ax.span()), r, ax.span()));
    }
    axes = new ArrayList<>(new TreeSet<>(axes));
    return t.tensor(new Op.Reduce(fn, axes, a.bool(-1, "keepdims", false)), span, x);
  }

  /**
   * {@code arange(end)} or {@code arange(start, end, step = 1)}, as torch.arange: i64 when every
   * argument is an int, else f32. {@code end} may be a dimension such as {@code T} when start is 0
   * and step 1.
   */
  private static Val arange(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(3, "start", "end", "step");
    boolean one = a.positional().size() == 1 && a.find(-1, "end") == null;
    Args.Arg startArg = one ? null : a.find(0, "start");
    Args.Arg endArg = one ? a.require(0, "end") : a.require(1, "end");
    Args.Arg stepArg = a.find(2, "step");
    boolean ints = (startArg == null || startArg.value() instanceof Val.Int) && endArg.value() instanceof Val.Int
        && (stepArg == null || stepArg.value() instanceof Val.Int);
    if (endArg.value() instanceof Val.Int e && !e.value().isConstant()) {
      if (startArg != null && !(startArg.value() instanceof Val.Int si && si.value().equals(Dim.of(0)))
          || stepArg != null && !(stepArg.value() instanceof Val.Int st && st.value().equals(Dim.of(1)))) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, endArg.span(), "`arange` up to the dimension " + e.value()
            + " needs start 0 and step 1");
      }
      return new Val.Tensor(t.graph().addChecked(new Op.Arange(0, 1, e.value(), DType.I64), span), span);
    }
    double start = startArg == null ? 0 : a.number(0, "start", null);
    double end = one ? a.number(0, "end", null) : a.number(1, "end", null);
    double step = stepArg == null ? 1 : a.number(2, "step", null);
    if (step == 0 || !Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
      throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`arange` needs finite bounds and a non-zero step");
    }
    long length = Math.max(0, (long) Math.ceil((end - start) / step));
    return new Val.Tensor(t.graph().addChecked(new Op.Arange(start, step, Dim.of(length), ints ? DType.I64 : DType.F32),
        span), span);
  }

  /**
   * {@code as_tensor(n)}: a number as an f32 scalar tensor; for a dimension known only when the
   * program runs (the batch size {@code N}, or {@code numel(x) / C}), its run-time value.
   */
  private static Val asTensor(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(1, "value");
    Args.Arg arg = a.require(0, "value");
    if (arg.value() instanceof Val.Int i && !i.value().isConstant()) {
      Value ones = t.graph().addChecked(new Op.Fill(1, TensorType.f32(Shape.of(i.value()))), span);
      return new Val.Tensor(t.graph().addChecked(new Op.Reduce(ReduceFn.SUM, List.of(0), false), span, ones), span);
    }
    return t.constant(a.number(0, "value", null), DType.F32, span);
  }

  /** {@code squeeze(x)} drops every axis of size 1; {@code squeeze(x, dim)} only that one, which must be 1. */
  private static Val squeeze(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(2, "x", "dim");
    Val.Tensor x = a.tensor(0, "x");
    List<Dim> dims = new ArrayList<>(x.value().shape().dims());
    Args.Arg dimArg = a.find(1, "dim");
    if (dimArg == null) {
      dims.removeIf(d -> d.equals(Dim.of(1)));
    } else {
      int axis = normalizeAxis(a.intValue(1, "dim", null), x.value().rank(), dimArg.span());
      if (!dims.get(axis).equals(Dim.of(1))) {
        throw new CheckError(dev.nnet.diag.Diagnostic.error(ErrorCode.OP_SHAPE, dimArg.span(), "`squeeze` of axis "
            + axis + " needs size 1, but " + x.value().type() + " has " + dims.get(axis) + " there")
            .withHelp("index or reduce that axis instead"));
      }
      dims.remove(axis);
    }
    return t.tensor(new Op.Reshape(new Shape(dims)), span, x);
  }

  private static Val reshape(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(2, "x", "shape");
    Val.Tensor x = a.tensor(0, "x");
    List<Val> items = list(a, 1, "shape");
    List<Dim> dims = new ArrayList<>();
    int infer = -1;
    Dim known = Dim.of(1);
    for (int i = 0; i < items.size(); i++) {
      Val v = items.get(i);
      if (!(v instanceof Val.Int d)) {
        throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "`reshape` needs ints in its shape, got " + v.describe());
      }
      if (d.value().isConstant() && d.value().constant() == -1) {
        if (infer >= 0) {
          throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`reshape` can infer only one dimension (-1)");
        }
        infer = i;
        dims.add(Dim.of(1));
      } else {
        dims.add(d.value());
        known = known.times(d.value());
      }
    }
    if (infer >= 0 && known.isConstant() && known.constant() == 0) {
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, span,
          "`reshape` cannot infer -1 when another dimension is 0").withHelp("write every dimension instead of -1"));
    }
    if (infer >= 0) {
      Dim total = x.value().shape().numel();
      Dim rest = known.isConstant() ? total.floorDiv(known) : quotient(total, known);
      if (rest == null || !rest.times(known).equals(total)) {
        throw Tracer.error(ErrorCode.OP_SHAPE, span, "`reshape` cannot infer -1: " + total + " elements do not divide by "
            + known);
      }
      dims.set(infer, rest);
    }
    try {
      return t.tensor(new Op.Reshape(new Shape(dims)), span, x);
    } catch (CheckError e) {
      throw t.withRoundedDivision(e, span, dims);
    }
  }

  /** total / known when known is a symbol (times a constant) that divides every term; else null. */
  private static Dim quotient(Dim total, Dim known) {
    for (String sym : known.symbols()) {
      Dim q = known.substitute(Map.of(sym, Dim.of(1)));
      if (q.isConstant()) {
        Dim withoutSym = total.substitute(Map.of(sym, Dim.of(1))).floorDiv(q);
        if (withoutSym.times(known).equals(total.times(q)) || withoutSym.times(Dim.symbol(sym)).times(q).equals(total)) {
          return withoutSym;
        }
      }
    }
    return null;
  }

  private static Val flatten(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(2, "x", "start");
    Val.Tensor x = a.tensor(0, "x");
    int r = x.value().rank();
    int start = normalizeAxis(a.intValue(1, "start", 1L), Math.max(r, 1), span);
    List<Dim> dims = new ArrayList<>(x.value().shape().dims().subList(0, Math.min(start, r)));
    Dim rest = Dim.of(1);
    for (int i = start; i < r; i++) {
      rest = rest.times(x.value().shape().dim(i));
    }
    dims.add(rest);
    return t.tensor(new Op.Reshape(new Shape(dims)), span, x);
  }

  /** {@code tensor([[1.0, 0.0], [0.0, 1.0]])}: a constant from nested lists of numbers. */
  private static Val tensorLiteral(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(2, "values", "dtype");
    Args.Arg values = a.require(0, "values");
    DType dtype = a.find(1, "dtype") == null ? DType.F32 : a.dtype(1, "dtype");
    List<Integer> shape = new ArrayList<>();
    List<Double> flat = new ArrayList<>();
    flattenLiteral(values.value(), 0, shape, flat, values.span());
    int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
    if (java.util.Arrays.stream(dims).asLongStream().reduce(1, Math::multiplyExact) != flat.size()) {
      // Equal lengths per depth, yet a number where another row has a list: [1.0, [2.0, 3.0]].
      throw Tracer.error(ErrorCode.INVALID_VALUE, values.span(),
          "the rows of a tensor literal must be nested equally deep: a number stands where another row has a list");
    }
    ConstantData value;
    if (dtype == DType.I64) {
      value = ConstantData.ofLongs(flat.stream().mapToLong(Double::longValue).toArray(), dims);
    } else {
      float[] f = new float[flat.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = dtype == DType.BOOL ? (flat.get(i) != 0 ? 1f : 0f) : flat.get(i).floatValue();
      }
      value = ConstantData.ofFloats(dtype, f, dims);
    }
    return new Val.Tensor(t.graph().addChecked(new Op.Constant(value), span), span);
  }

  private static void flattenLiteral(Val v, int depth, List<Integer> shape, List<Double> out, SourceSpan span)
      throws CheckError {
    if (v instanceof Val.ListV l) {
      if (shape.size() == depth) {
        shape.add(l.items().size());
      } else if (shape.get(depth) != l.items().size()) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "the rows of a tensor literal must have equal lengths: "
            + shape.get(depth) + " vs " + l.items().size());
      }
      for (Val item : l.items()) {
        flattenLiteral(item, depth + 1, shape, out, span);
      }
      return;
    }
    if (depth != shape.size()) {
      throw Tracer.error(ErrorCode.INVALID_VALUE, span, "a tensor literal must be rectangular");
    }
    if (v instanceof Val.Float f) {
      out.add(f.value());
    } else if (v instanceof Val.Int i && i.value().isConstant()) {
      out.add((double) i.value().constant());
    } else if (v instanceof Val.Bool b) {
      out.add(b.value() ? 1.0 : 0.0);
    } else {
      throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "a tensor literal holds numbers, got " + v.describe());
    }
  }

  private static Val like(Tracer t, Args a, SourceSpan span, double value) throws CheckError {
    a.expectAtMost(1);
    Val.Tensor x = a.tensor(0, "x");
    return new Val.Tensor(t.graph().addChecked(new Op.Fill(value, x.value().type()), span), span);
  }

  private static List<Val> list(Args a, int index, String name) throws CheckError {
    Args.Arg arg = a.require(index, name);
    if (arg.value() instanceof Val.ListV l) {
      return l.items();
    }
    if (arg.value() instanceof Val.TupleV tv) {
      return tv.items();
    }
    throw a.wrongKind(arg, name, "a list");
  }

  private static Shape shapeArg(Tracer t, Args a, int index, String name, SourceSpan span) throws CheckError {
    List<Dim> dims = new ArrayList<>();
    for (Val v : list(a, index, name)) {
      if (!(v instanceof Val.Int i)) {
        throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "a shape holds ints, got " + v.describe());
      }
      dims.add(i.value());
    }
    return new Shape(dims);
  }

  private static int axis(Args a, int index, Val.Tensor x, long fallback) throws CheckError {
    return normalizeAxis(a.intValue(index, "axis", fallback), x.value().rank(), a.callSpan());
  }

  static int normalizeAxis(long axis, int rank, SourceSpan span) throws CheckError {
    long k = axis < 0 ? axis + rank : axis;
    if (k < 0 || k >= rank) {
      Diagnostic d = Diagnostic.error(ErrorCode.OP_SHAPE, span, "axis " + axis + " is out of range for a tensor of rank "
          + rank);
      throw new CheckError(rank == 0 ? d.withHelp("a scalar has no axes: leave `axis` out")
          : d.withHelp("the axes of a rank-" + rank + " tensor are 0 to " + (rank - 1) + " (or -" + rank + " to -1, from the end)"));
    }
    return (int) k;
  }

  private static void defineInitializers(Scope s) {
    s.define("zeros", new Val.Init(new Initializer.Zeros()));
    s.define("ones", new Val.Init(new Initializer.Ones()));
    s.define("xavier_uniform", new Val.Init(new Initializer.XavierUniform(1.0)));
    s.define("glorot_uniform", new Val.Init(new Initializer.XavierUniform(1.0)));
    s.define("xavier_normal", new Val.Init(new Initializer.XavierNormal(1.0)));
    s.define("glorot_normal", new Val.Init(new Initializer.XavierNormal(1.0)));
    s.define("he_uniform", new Val.Init(new Initializer.HeUniform()));
    s.define("kaiming_uniform", new Val.Init(new Initializer.HeUniform()));
    s.define("he_normal", new Val.Init(new Initializer.HeNormal()));
    s.define("kaiming_normal", new Val.Init(new Initializer.HeNormal()));
    s.define("lecun_normal", new Val.Init(new Initializer.LeCunNormal()));
    define(s, "constant", (t, a, span) -> {
      a.expectAtMost(1, "value");
      return new Val.Init(new Initializer.Constant(a.number(0, "value", null)));
    });
    define(s, "uniform", (t, a, span) -> {
      a.expectAtMost(2, "low", "high");
      double lo = a.number(0, "low", null);
      double hi = a.number(1, "high", null);
      if (!(hi > lo)) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`uniform` needs low < high, got " + lo + " and " + hi);
      }
      return new Val.Init(new Initializer.Uniform(lo, hi));
    });
    define(s, "normal", (t, a, span) -> {
      a.expectAtMost(2, "mean", "std");
      double std = a.number(1, "std", 1.0);
      if (!(std >= 0)) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`normal` needs std >= 0, got " + std);
      }
      return new Val.Init(new Initializer.Normal(a.number(0, "mean", 0.0), std));
    });
  }

  private static void defineOptimizers(Scope s) {
    optimizer(s, "sgd", List.of("lr", "momentum", "dampening", "weight_decay", "nesterov"),
        Map.of("momentum", 0.0, "dampening", 0.0, "weight_decay", 0.0, "nesterov", 0.0));
    optimizer(s, "adam", List.of("lr", "beta1", "beta2", "eps", "weight_decay"),
        Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0));
    optimizer(s, "adamw", List.of("lr", "beta1", "beta2", "eps", "weight_decay"),
        Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.01));
  }

  private static void optimizer(Scope s, String kind, List<String> names, Map<String, Double> defaults) {
    define(s, kind, (t, a, span) -> {
      a.expectAtMost(1, names.toArray(String[]::new));
      Map<String, Double> opts = new LinkedHashMap<>(defaults);
      Args.Arg lrArg = a.find(0, "lr");
      Val.Tensor schedule = null;
      if (lrArg != null && lrArg.value() instanceof Val.Tensor sched) {
        // A learning-rate schedule: an expression of the step's counters, evaluated every step.
        if (sched.value().rank() != 0 || sched.value().dtype() != DType.F32) {
          throw Tracer.error(ErrorCode.ARGUMENT_TYPE, lrArg.span(), "a learning-rate schedule must be a scalar f32, got "
              + sched.value().type());
        }
        schedule = sched;
        opts.put("lr", Double.NaN);
      }
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        Args.Arg arg = a.find(i == 0 ? 0 : -1, n);
        if (arg == null || i == 0 && schedule != null) {
          continue;
        }
        opts.put(n, arg.value() instanceof Val.Bool b ? (b.value() ? 1.0 : 0.0) : a.number(i == 0 ? 0 : -1, n, null));
      }
      if (!opts.containsKey("lr")) {
        throw Tracer.error(ErrorCode.ARGUMENT_COUNT, span, "`" + kind + "` needs a learning rate: `" + kind + "(lr = 0.01)`");
      }
      if (schedule != null) {
        return new Val.Optimizer(new OptimizerSpec(kind, opts, schedule.value()));
      }
      if (!(opts.get("lr") > 0)) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "the learning rate must be positive, got " + opts.get("lr"));
      }
      double lr = opts.get("lr");
      if (lr > 1.0 || lr < 1e-6) {
        t.warn(dev.nnet.diag.Diagnostic.warning(ErrorCode.LEARNING_RATE_RANGE, span,
            "a learning rate of " + lr + " is outside the usual range 1e-6 to 1")
            .withHelp(lr > 1.0 ? "training will likely diverge; try 0.1 for SGD or 1e-3 for Adam"
                : "training will barely move; try 0.01 for SGD or 1e-3 for Adam"));
      }
      if (opts.getOrDefault("nesterov", 0.0) != 0 && opts.getOrDefault("momentum", 0.0) <= 0) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "Nesterov momentum needs `momentum > 0`");
      }
      return new Val.Optimizer(new OptimizerSpec(kind, opts));
    });
  }
}
