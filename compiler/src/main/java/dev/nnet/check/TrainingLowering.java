package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.grad.Differentiator;
import dev.nnet.grad.OptimizerLowering;
import dev.nnet.grad.UnsupportedGradient;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a {@code train} block: traces the model and the loss twice (training mode, with
 * gradients and the optimizer update; evaluation mode, loss and metrics only) over a batch of the
 * data's fields, whose leading dimension is the symbol {@code N}.
 */
final class TrainingLowering {
  private TrainingLowering() {}

  /** What one trace of the settings produced. */
  private record Traced(LayerInstance model, Val.Tensor loss, Map<String, Val.Tensor> metrics, Scope scope) {}

  static TrainingPlan lower(Decl.Train train, Scope globals, DataLowering.Loaded data,
      Map<String, dev.nnet.diag.SourceFile> sources, Lints lints) throws CheckError {
    GraphBuilder step = new GraphBuilder();
    Tracer tracer = new Tracer(step, true, sources, lints);
    Traced t = trace(train, globals, data, tracer);

    Decl.Setting opt = train.setting("optimizer");
    if (opt == null) {
      throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, train.nameSpan(), "the train block has no `optimizer`")
          .withHelp("add for example `optimizer = sgd(lr = 0.1, momentum = 0.9)`"));
    }
    Val ov = t.scope().lookup("optimizer");
    if (!(ov instanceof Val.Optimizer o)) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, opt.value().span(), "`optimizer` must be an optimizer such as "
          + "`adam(lr = 1e-3)`, got " + ov.describe());
    }
    List<ParamSpec> params = t.model().allParams();
    List<ParamSpec> trainable = params.stream().filter(ParamSpec::trainable).toList();
    List<GraphBuilder.Value> values = new ArrayList<>();
    for (ParamSpec p : trainable) {
      values.add(step.parameter(p.name(), TensorType.f32(p.shape()), true));
    }
    List<GraphBuilder.Value> grads;
    try {
      grads = Differentiator.gradients(step, t.loss().value(), values);
    } catch (UnsupportedGradient e) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, t.loss().origin(), e.getMessage());
    }
    OptimizerLowering lowering = new OptimizerLowering(step, opt.value().span());
    GraphBuilder.Value lr = step.input("lr", TensorType.f32(Shape.scalar()));
    lowering.lower(o.spec().kind(), o.spec().options(), trainable, values, grads, lr);
    step.output("loss", t.loss().value());
    t.metrics().forEach((name, v) -> step.output("metric:" + name, v.value()));
    lowering.updates().forEach((name, v) -> step.output("new:" + name, v));

    GraphBuilder eval = new GraphBuilder();
    Traced e = trace(train, globals, data, new Tracer(eval, false, sources, lints));
    eval.output("loss", e.loss().value());
    e.metrics().forEach((name, v) -> eval.output("metric:" + name, v.value()));
    if (e.model().firstOutput() == null) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, train.nameSpan(), "the train block never calls `model`");
    }
    eval.output("output", e.model().firstOutput());
    dev.nnet.ir.Graph evalGraph = dev.nnet.opt.Pipeline.optimize(eval.build());

    int epochs = (int) intSetting(train, t.scope(), "epochs", 10, 1);
    int batch = (int) intSetting(train, t.scope(), "batch", 32, 1);
    long seed = intSetting(train, t.scope(), "seed", 0, 0);
    boolean shuffle = !(t.scope().lookup("shuffle") instanceof Val.Bool b) || b.value();
    int reportEvery = (int) intSetting(train, t.scope(), "report_every", 1, 1);
    String save = t.scope().lookup("save") instanceof Val.Str s ? s.value() : null;
    String modelName = t.model().decl().name();
    return new TrainingPlan(modelName, t.model(), dev.nnet.opt.Pipeline.optimize(step.build()), evalGraph,
        dev.nnet.opt.Pipeline.optimize(dev.nnet.opt.DeadCode.prune(evalGraph, java.util.Set.of("output"))), params, lowering.states(), data.splits(),
        data.fields(), List.copyOf(t.metrics().keySet()), o.spec().options().get("lr"), epochs, batch, seed, shuffle, reportEvery, save);
  }

  private static Traced trace(Decl.Train train, Scope globals, DataLowering.Loaded data, Tracer tracer) throws CheckError {
    Scope scope = new Scope(globals);
    Val m = tracer.eval(train.model(), scope);
    if (!(m instanceof Val.Layer model)) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, train.model().span(), "`train` needs a model such as `Mlp()`, got "
          + m.describe());
    }
    scope.define("model", model);
    tracer.noteSymbol("N", "the batch size (from `batch` in the train block, line " + train.span().line() + ")");
    for (var f : data.fields().entrySet()) {
      List<Dim> dims = new ArrayList<>();
      dims.add(Dim.symbol("N"));
      dims.addAll(f.getValue().shape().dims());
      TensorType type = new TensorType(f.getValue().dtype(), new Shape(dims));
      scope.define(f.getKey(), new Val.Tensor(tracer.graph().input(f.getKey(), type, train.dataSpan()), train.dataSpan()));
    }
    Val.Tensor loss = null;
    Map<String, Val.Tensor> metrics = new LinkedHashMap<>();
    for (Decl.Setting s : train.settings()) {
      Val v = tracer.eval(s.value(), scope);
      scope.define(s.name(), v);
      if (s.name().equals("loss")) {
        if (!(v instanceof Val.Tensor l) || l.value().rank() != 0 || l.value().dtype() != DType.F32) {
          throw new CheckError(Diagnostic.error(ErrorCode.LOSS_NOT_SCALAR, s.value().span(),
              "the loss must be a scalar f32 tensor, got " + v.describe())
              .withHelp("reduce it, for example with `mean(...)`"));
        }
        loss = l;
      } else if (s.name().equals("metrics")) {
        if (!(v instanceof Val.ListV list) || !(s.value() instanceof Expr.ListLit lit)) {
          throw Tracer.error(ErrorCode.TRAIN_SETTING, s.value().span(), "`metrics` must be a list such as "
              + "`[accuracy(logits, label)]`");
        }
        for (int i = 0; i < list.items().size(); i++) {
          Expr ex = lit.items().get(i);
          Val item = list.items().get(i);
          if (!(item instanceof Val.Tensor mt) || mt.value().rank() != 0) {
            throw Tracer.error(ErrorCode.TRAIN_SETTING, ex.span(), "a metric must be a scalar tensor, got " + item.describe());
          }
          String name = ex instanceof Expr.Call c && c.callee() instanceof Expr.Name n ? n.name() : "metric" + (i + 1);
          metrics.put(name, new Val.Tensor(tracer.graph().addChecked(new dev.nnet.ir.Op.Cast(DType.F32), ex.span(),
              mt.value()), ex.span()));
        }
      }
    }
    if (loss == null) {
      throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, train.nameSpan(), "the train block has no `loss`")
          .withHelp("add for example `loss = cross_entropy(model(image), label)`"));
    }
    return new Traced(model.instance(), loss, metrics, scope);
  }

  private static long intSetting(Decl.Train train, Scope scope, String name, long fallback, long min) throws CheckError {
    Decl.Setting s = train.setting(name);
    if (s == null) {
      return fallback;
    }
    Val v = scope.lookup(name);
    if (v instanceof Val.Int i && i.value().isConstant() && i.value().constant() >= min) {
      return i.value().constant();
    }
    throw Tracer.error(ErrorCode.TRAIN_SETTING, s.value().span(), "`" + name + "` must be an int of at least " + min
        + ", got " + v.describe());
  }
}
