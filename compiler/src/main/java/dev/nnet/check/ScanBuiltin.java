package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Op;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scan(f, init, xs, reverse = false, axis = 0, length = ...)}: recurrence without unrolling,
 * as JAX's {@code lax.scan}. {@code f(carry, x)} returns {@code (new_carry, y)}; the carry and
 * {@code x}/{@code y} may be tensors or tuples of tensors (an LSTM carries {@code (h, c)}).
 * {@code f} is traced once, into the body of one {@link Op.Scan}; the weights it reads are
 * captured as the scan's constants. Returns {@code (final_carry, ys)} with each y stacked along
 * {@code axis} (the sequences' time axis, 1 for batch-first data), so the step count may be a
 * symbol such as {@code T} and no nesting limit applies.
 */
final class ScanBuiltin {
  private ScanBuiltin() {}

  static Val scan(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(3, "f", "init", "xs", "reverse", "axis", "length");
    Val f = a.require(0, "f").value();
    Args.Arg initArg = a.require(1, "init");
    Args.Arg xsArg = a.find(2, "xs");
    boolean reverse = a.bool(-1, "reverse", false);
    List<Val.Tensor> init = new ArrayList<>();
    flatten(initArg.value(), init, initArg.span(), "the initial carry");
    List<Val.Tensor> xs = new ArrayList<>();
    Val xsValue = xsArg == null ? new Val.None() : xsArg.value();
    if (xsArg != null) {
      flatten(xsValue, xs, xsArg.span(), "the sequences");
    }
    // Every sequence is scanned over `axis`, moved to the front for the loop (the IR scans axis 0).
    int axis = 0;
    if (!xs.isEmpty()) {
      axis = Builtins.normalizeAxis(a.intValue(-1, "axis", 0L), xs.get(0).value().rank(), span);
      for (int j = 0; j < xs.size(); j++) {
        xs.set(j, moveAxis(t, xs.get(j), axis, 0, span));
      }
    }
    Dim length;
    Args.Arg lengthArg = a.find(-1, "length");
    if (!xs.isEmpty()) {
      length = xs.get(0).value().shape().dim(0);
      for (Val.Tensor x : xs) {
        if (!x.value().shape().dim(0).equals(length)) {
          throw Tracer.error(ErrorCode.OP_SHAPE, xsArg.span(), "`scan` needs sequences of one length along axis "
              + axis + ", got " + length + " and " + x.value().shape().dim(0));
        }
      }
    } else if (lengthArg != null) {
      length = a.dim(-1, "length");
    } else {
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, span, "`scan` without sequences needs a `length`")
          .withHelp("pass the sequences as the third argument, or `length = T`"));
    }

    GraphBuilder body = t.graph().child();
    List<Val.Tensor> carryIn = new ArrayList<>();
    for (int i = 0; i < init.size(); i++) {
      carryIn.add(new Val.Tensor(body.input("carry" + i, init.get(i).value().type()), init.get(i).origin()));
    }
    List<Val.Tensor> stepIn = new ArrayList<>();
    for (int j = 0; j < xs.size(); j++) {
      TensorType x = xs.get(j).value().type();
      stepIn.add(new Val.Tensor(body.input("x" + j, x.withShape(x.shape().dims().size() == 0 ? x.shape()
          : new dev.nnet.ir.Shape(x.shape().dims().subList(1, x.rank())))), xs.get(j).origin()));
    }
    Val carryArg = rebuild(initArg.value(), carryIn, new int[1]);
    Val stepArg = xsArg == null ? new Val.None() : rebuild(xsValue, stepIn, new int[1]);
    Val result = t.tracingInto(body, () -> t.call(f, Args.of("scan step", span, carryArg, stepArg), span));
    if (!(result instanceof Val.TupleV pair) || pair.items().size() != 2) {
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_TYPE, a.require(0, "f").span(),
          "the step function of `scan` must return (new_carry, y), got " + result.describe())
          .withHelp("return a pair such as `((h, c), h)`; use `()` for no per-step output"));
    }
    List<Val.Tensor> carryOut = new ArrayList<>();
    flatten(pair.items().get(0), carryOut, span, "the new carry");
    if (carryOut.size() != init.size()) {
      throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "the step function of `scan` returns a carry of "
          + carryOut.size() + " tensor(s), but it started with " + init.size());
    }
    for (int i = 0; i < init.size(); i++) {
      TensorType want = init.get(i).value().type();
      TensorType got = carryOut.get(i).value().type();
      if (!want.equals(got)) {
        throw new CheckError(Diagnostic.error(ErrorCode.OP_SHAPE, carryOut.get(i).origin(), "the carry of `scan` "
            + "must keep its type from step to step: carry " + i + " starts as " + want + " but the step makes " + got)
            .withRelated(init.get(i).origin(), "starts as " + want));
      }
      body.output("carry" + i, carryOut.get(i).value());
    }
    List<Val.Tensor> ys = new ArrayList<>();
    Val yValue = pair.items().get(1);
    if (!(yValue instanceof Val.TupleV empty && empty.items().isEmpty()) && !(yValue instanceof Val.None)) {
      flatten(yValue, ys, span, "the per-step output");
    }
    for (int m = 0; m < ys.size(); m++) {
      body.output("y" + m, ys.get(m).value());
    }

    List<GraphBuilder.Value> captured = body.captures();
    Op.Scan op = new Op.Scan(body.build(), init.size(), xs.size(), captured.size(), length, reverse);
    List<GraphBuilder.Value> operands = new ArrayList<>();
    init.forEach(v -> operands.add(v.value()));
    xs.forEach(v -> operands.add(v.value()));
    operands.addAll(captured);
    GraphBuilder.Value node;
    try {
      node = t.graph().add(op, span, operands.toArray(GraphBuilder.Value[]::new));
    } catch (ShapeError e) {
      throw Tracer.error(ErrorCode.OP_SHAPE, span, e.getMessage());
    }
    List<Val.Tensor> finals = new ArrayList<>();
    for (int i = 0; i < init.size(); i++) {
      finals.add(new Val.Tensor(t.graph().addChecked(new Op.ScanResult(i, op.resultType(i)), span, node), span));
    }
    List<Val.Tensor> stacked = new ArrayList<>();
    for (int m = 0; m < ys.size(); m++) {
      int index = init.size() + m;
      Val.Tensor y = new Val.Tensor(t.graph().addChecked(new Op.ScanResult(index, op.resultType(index)), span, node), span);
      stacked.add(moveAxis(t, y, 0, Math.min(axis, y.value().rank() - 1), span));
    }
    Val finalCarry = rebuild(initArg.value(), finals, new int[1]);
    Val ysOut = ys.isEmpty() ? new Val.TupleV(List.of()) : rebuild(yValue, stacked, new int[1]);
    return new Val.TupleV(List.of(finalCarry, ysOut));
  }

  /** The tensors of a tensor or (nested) tuple of tensors, in order. */
  private static void flatten(Val v, List<Val.Tensor> out, SourceSpan at, String what) throws CheckError {
    if (v instanceof Val.Tensor t) {
      out.add(t);
    } else if (v instanceof Val.TupleV tuple) {
      for (Val item : tuple.items()) {
        flatten(item, out, at, what);
      }
    } else {
      throw Tracer.error(ErrorCode.ARGUMENT_TYPE, at, what + " of `scan` must be a tensor or a tuple of tensors, got "
          + v.describe());
    }
  }

  /** {@code template}'s structure with its tensors replaced, in order, by {@code leaves}. */
  private static Val rebuild(Val template, List<Val.Tensor> leaves, int[] next) {
    if (template instanceof Val.TupleV tuple) {
      List<Val> items = new ArrayList<>();
      for (Val item : tuple.items()) {
        items.add(rebuild(item, leaves, next));
      }
      return new Val.TupleV(items);
    }
    return leaves.get(next[0]++);
  }

  /** {@code x} with axis {@code from} moved to position {@code to} (the others keep their order). */
  private static Val.Tensor moveAxis(Tracer t, Val.Tensor x, int from, int to, SourceSpan span) throws CheckError {
    if (from == to) {
      return x;
    }
    List<Integer> order = new ArrayList<>(GraphBuilder.allAxes(x.value().rank()));
    order.remove(Integer.valueOf(from));
    order.add(to, from);
    return t.tensor(new Op.Permute(order), span, x);
  }
}
