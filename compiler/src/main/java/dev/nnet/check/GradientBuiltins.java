package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.grad.Differentiator;
import dev.nnet.grad.UnsupportedGradient;
import dev.nnet.ir.DType;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-ins that differentiate inside a program: {@code grad(y, x)} (gradients with respect to
 * inputs, activations or parameters: adversarial examples, gradient penalties), and, in a train
 * block's own step, {@code minimize(optimizer, loss, params)} and {@code params_of(model)}.
 */
final class GradientBuiltins {
  private GradientBuiltins() {}

  static void define(Scope s) {
    Builtins.define(s, "grad", GradientBuiltins::grad);
    Builtins.define(s, "minimize", GradientBuiltins::minimize);
    Builtins.define(s, "params_of", (t, a, span) -> {
      a.expectAtMost(1, "model");
      return new Val.ListV(new ArrayList<>(StepUpdates.paramsOf(layer(a, 0, "model"))));
    });
  }

  /** {@code grad(y, x)}: dy/dx for a scalar f32 y; x a tensor (the result has its shape) or a list of tensors. */
  private static Val grad(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(2, "y", "wrt");
    Val.Tensor y = a.tensor(0, "y");
    if (y.value().rank() != 0 || y.value().dtype() != DType.F32) {
      throw new CheckError(Diagnostic.error(ErrorCode.OP_SHAPE, a.find(0, "y").span(), "`grad` differentiates a scalar "
          + "f32 value, got " + y.value().type()).withHelp("reduce it first, for example with `sum(...)` or `mean(...)`"));
    }
    Args.Arg wrtArg = a.require(1, "wrt");
    boolean single = wrtArg.value() instanceof Val.Tensor;
    List<Val> items = single ? List.of(wrtArg.value()) : wrtArg.value() instanceof Val.ListV l ? l.items() : null;
    if (items == null) {
      throw a.wrongKind(wrtArg, "wrt", "a tensor or a list of tensors");
    }
    List<GraphBuilder.Value> wrt = new ArrayList<>();
    for (Val v : items) {
      if (!(v instanceof Val.Tensor x) || x.value().dtype() != DType.F32) {
        throw Tracer.error(ErrorCode.ARGUMENT_TYPE, wrtArg.span(), "`grad` is taken with respect to f32 tensors, got "
            + v.describe());
      }
      if (x.value().owner() != t.graph() || y.value().owner() != t.graph()) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, span, "`grad` inside a `scan` step can only differentiate values "
            + "of that step");
      }
      wrt.add(x.value());
    }
    List<GraphBuilder.Value> grads;
    try {
      grads = Differentiator.gradients(t.graph(), y.value(), wrt);
    } catch (UnsupportedGradient e) {
      throw Tracer.error(ErrorCode.OP_SHAPE, span, e.getMessage());
    }
    List<Val> out = new ArrayList<>();
    for (GraphBuilder.Value g : grads) {
      out.add(new Val.Tensor(g, span));
    }
    return single ? out.get(0) : new Val.ListV(out);
  }

  /**
   * {@code minimize(optimizer, loss, params)} in a train block's {@code fn step()}: updates the
   * parameters (a model, or a list from {@code params_of}) by the optimizer's rule; the rest of the
   * step sees the new values. In evaluation nothing is updated and the call does nothing.
   */
  private static Val minimize(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(3, "optimizer", "loss", "params");
    Args.Arg optArg = a.require(0, "optimizer");
    if (!(optArg.value() instanceof Val.Optimizer optimizer)) {
      throw a.wrongKind(optArg, "optimizer", "an optimizer such as `adam(lr = 1e-3)`");
    }
    Val.Tensor loss = a.tensor(1, "loss");
    Args.Arg paramsArg = a.require(2, "params");
    List<Val.Tensor> params = new ArrayList<>();
    if (paramsArg.value() instanceof Val.Layer l) {
      params.addAll(StepUpdates.paramsOf(l.instance()));
    } else if (paramsArg.value() instanceof Val.ListV list) {
      for (Val v : list.items()) {
        if (!(v instanceof Val.Tensor p)) {
          throw a.wrongKind(paramsArg, "params", "a model or a list of parameters");
        }
        params.add(p);
      }
    } else {
      throw a.wrongKind(paramsArg, "params", "a model or a list of parameters");
    }
    StepUpdates updates = t.stepUpdates();
    if (updates == null) {
      if (!t.training()) {
        return new Val.None(); // evaluation: the loss is computed, nothing is updated
      }
      throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, span, "`minimize` belongs in a train block's "
          + "`fn step()`").withHelp("write the step as `fn step() { ... minimize(opt, loss, model) ... }` in the train block"));
    }
    updates.minimize(optimizer, loss, params, span);
    return new Val.None();
  }

  private static LayerInstance layer(Args a, int index, String name) throws CheckError {
    Args.Arg arg = a.require(index, name);
    if (arg.value() instanceof Val.Layer l) {
      return l.instance();
    }
    throw a.wrongKind(arg, name, "a model or layer");
  }
}
