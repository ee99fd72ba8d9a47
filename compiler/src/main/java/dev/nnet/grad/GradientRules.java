package dev.nnet.grad;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

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
    SourceSpan s = node.span();
    List<Value> in = node.inputs().stream().map(b::value).toList();
    Value y = b.value(node.id());
    Op op = node.op();
    if (op.arity() == 0) {
      return List.of(); // inputs, params, constants, fills and random draws have no operands
    }
    if (op instanceof Op.StopGradient || op instanceof Op.ArgMax || op instanceof Op.OneHot) {
      return nothing(1);
    }
    if (op instanceof Op.Cast c) {
      return Collections.singletonList(in.get(0).dtype() == DType.F32 && c.to() == DType.F32 ? g : null);
    }
    if (op instanceof Op.Unary u) {
      return Collections.singletonList(unary(u.fn(), in.get(0), y, g, s));
    }
    if (op instanceof Op.Binary bin) {
      return binary(bin.fn(), in.get(0), in.get(1), y, g, s);
    }
    if (op instanceof Op.Where) {
      Value zero = zerosLike(g, s);
      return Arrays.asList(null,
          unbroadcast(op(new Op.Where(), s, in.get(0), g, zero), in.get(1).shape(), s),
          unbroadcast(op(new Op.Where(), s, in.get(0), zero, g), in.get(2).shape(), s));
    }
    if (op instanceof Op.Reduce r) {
      return List.of(reduce(r, in.get(0), y, g, s));
    }
    if (op instanceof Op.MatMul) {
      return matmul(in.get(0), in.get(1), g, s);
    }
    if (op instanceof Op.Reshape) {
      return List.of(op(new Op.Reshape(in.get(0).shape()), s, g));
    }
    if (op instanceof Op.Permute p) {
      List<Integer> inverse = new ArrayList<>(p.order());
      for (int i = 0; i < p.order().size(); i++) {
        inverse.set(p.order().get(i), i);
      }
      return List.of(op(new Op.Permute(inverse), s, g));
    }
    if (op instanceof Op.Expand) {
      return List.of(unbroadcast(g, in.get(0).shape(), s));
    }
    if (op instanceof Op.Slice sl) {
      return List.of(slice(sl, in.get(0), g, s));
    }
    if (op instanceof Op.Concat c) {
      List<Value> out = new ArrayList<>();
      long offset = 0;
      for (Value v : in) {
        Dim size = v.shape().dim(c.axis());
        if (!size.isConstant()) {
          throw new UnsupportedGradient("the gradient of a concat along an axis of symbolic size " + size);
        }
        out.add(op(new Op.Slice(c.axis(), offset, offset + size.constant(), 1), s, g));
        offset += size.constant();
      }
      return out;
    }
    if (op instanceof Op.Gather) {
      return Arrays.asList(op(new Op.ScatterAdd(in.get(0).shape().dim(0)), s, g, in.get(1)), null);
    }
    if (op instanceof Op.ScatterAdd) {
      return Arrays.asList(op(new Op.Gather(), s, g, in.get(1)), null);
    }
    throw new UnsupportedGradient("the op " + op.text());
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
    if (fn.isComparison() || fn.isLogical() || a.dtype() != DType.F32) {
      return nothing(2);
    }
    Value ga;
    Value gc;
    switch (fn) {
      case ADD -> {
        ga = g;
        gc = g;
      }
      case SUB -> {
        ga = g;
        gc = op(new Op.Unary(UnaryFn.NEG), s, g);
      }
      case MUL -> {
        ga = mul(g, c, s);
        gc = mul(g, a, s);
      }
      case DIV -> {
        ga = div(g, c, s);
        gc = op(new Op.Unary(UnaryFn.NEG), s, div(mul(g, y, s), c, s));
      }
      case POW -> {
        // d/da a^c = c * a^(c-1), and 0 where c == 0 (as PyTorch: a^0 is constant, even at a = 0,
        // where c * a^(c-1) would be 0 * inf = NaN); d/dc a^c = a^c * log(a) (only where a > 0, as in
        // PyTorch's masked form)
        Value zeroExponent = op(new Op.Binary(BinaryFn.EQ), s, c, scalar(0, s));
        ga = op(new Op.Where(), s, zeroExponent, scalar(0, s),
            mul(g, mul(c, op(new Op.Binary(BinaryFn.POW), s, a, sub(c, scalar(1, s), s)), s), s));
        Value positive = op(new Op.Binary(BinaryFn.GT), s, a, scalar(0, s));
        Value logA = op(new Op.Unary(UnaryFn.LOG), s, op(new Op.Where(), s, positive, a, scalar(1, s)));
        gc = mul(g, mul(y, logA, s), s);
      }
      case MAX, MIN -> {
        // Ties split the gradient evenly, as PyTorch's maximum/minimum do.
        Value aWins = cast(op(new Op.Binary(fn == BinaryFn.MAX ? BinaryFn.GT : BinaryFn.LT), s, a, c), s);
        Value tie = mul(cast(op(new Op.Binary(BinaryFn.EQ), s, a, c), s), scalar(0.5, s), s);
        Value wa = add(aWins, tie, s);
        ga = mul(g, wa, s);
        gc = mul(g, sub(scalar(1, s), wa, s), s);
      }
      default -> {
        return nothing(2);
      }
    }
    return Arrays.asList(unbroadcast(ga, a.shape(), s), unbroadcast(gc, c.shape(), s));
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

  private List<Value> matmul(Value a, Value c, Value g, SourceSpan s) {
    Value ga = op(new Op.MatMul(), s, g, transposeLast(c, s));
    Value gc = op(new Op.MatMul(), s, transposeLast(a, s), g);
    return List.of(unbroadcast(ga, a.shape(), s), unbroadcast(gc, c.shape(), s));
  }

  private Value slice(Op.Slice sl, Value x, Value g, SourceSpan s) {
    if (sl.step() != 1) {
      throw new UnsupportedGradient("the gradient of a strided slice (step " + sl.step() + ")");
    }
    Dim size = x.shape().dim(sl.axis());
    List<Value> parts = new ArrayList<>();
    if (sl.start() > 0) {
      parts.add(zeros(x.type().withShape(x.shape().withDim(sl.axis(), Dim.of(sl.start()))), s));
    }
    parts.add(g);
    Dim after = size.minus(Dim.of(sl.end()));
    if (!(after.isConstant() && after.constant() == 0)) {
      parts.add(zeros(x.type().withShape(x.shape().withDim(sl.axis(), after)), s));
    }
    return parts.size() == 1 ? g : op(new Op.Concat(sl.axis()), s, parts.toArray(Value[]::new));
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

  private Value transposeLast(Value v, SourceSpan s) {
    int r = v.rank();
    List<Integer> order = new ArrayList<>(GraphBuilder.allAxes(r));
    order.set(r - 1, r - 2);
    order.set(r - 2, r - 1);
    return op(new Op.Permute(order), s, v);
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
