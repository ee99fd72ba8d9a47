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
import dev.nnet.ir.Signature;
import dev.nnet.ir.SourceSpan;
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
  private record Traced(LayerInstance model, List<LayerInstance> models, Val.Tensor loss, Map<String, Val.Tensor> metrics,
      Scope scope) {}

  /** The settings a train block reads; any other setting must be a local value a later setting uses. */
  static final List<String> SETTINGS = List.of("model", "loss", "metrics", "optimizer", "batch", "epochs", "seed",
      "shuffle", "report_every", "save");

  /** The scalar inputs of the training step, fed by the loop (see {@code Trainer}). */
  private static final List<String> SCALARS = List.of("lr", "epoch", "step");

  static TrainingPlan lower(Decl.Train train, Scope globals, DataPlan data,
      Map<String, dev.nnet.diag.SourceFile> sources, Lints lints, TypeIndex types, IntOrigins intOrigins)
      throws CheckError {
    checkSettingNames(train);
    checkFieldNames(data);
    GraphBuilder step = new GraphBuilder();
    Tracer tracer = new Tracer(step, true, sources, lints, types, intOrigins);
    StepUpdates custom = train.steps().isEmpty() ? null : new StepUpdates(step);
    tracer.setStepUpdates(custom);
    Traced t = trace(train, globals, data, tracer);

    List<ParamSpec> params = new ArrayList<>();
    t.models().forEach(m -> params.addAll(m.allParams()));
    List<ParamSpec> optimizerState;
    double learningRate;
    Map<String, GraphBuilder.Value> updates;
    if (custom != null) {
      if (!custom.any()) {
        throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, train.steps().get(0).nameSpan(),
            "the step never calls `minimize`, so nothing would train")
            .withHelp("add for example `minimize(opt, loss, model)` with `opt = sgd(lr = 0.1)` among the settings"));
      }
      optimizerState = custom.states();
      updates = custom.updates();
      learningRate = t.scope().lookup("optimizer") instanceof Val.Optimizer o && o.spec().schedule() == null
          ? o.spec().options().get("lr") : 0.0;
      step.input("lr", TensorType.f32(Shape.scalar())); // fed by the loop; this step's optimizers carry their own
    } else {
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
      List<ParamSpec> trainable = t.model().allParams().stream().filter(ParamSpec::trainable).toList();
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
      if (!grads.isEmpty() && grads.stream().allMatch(g -> isZeroFill(step, g))) {
        Decl.Setting lossSetting = train.setting("loss");
        lints.warn(Diagnostic.warning(ErrorCode.LOSS_WITHOUT_GRADIENT,
                lossSetting != null ? lossSetting.value().span() : t.loss().origin(),
                "the loss has no gradient with respect to any parameter, so training cannot change the model")
            .withLabel("gradient 0 for every parameter")
            .withHelp("something between the parameters and the loss has a zero gradient (`step`, a comparison, "
                + "`argmax`, `floor`, a cast to i64, `detach`): use a smooth function instead, such as "
                + "`sigmoid` for `step`"));
      }
      OptimizerLowering lowering = new OptimizerLowering(step, opt.value().span());
      GraphBuilder.Value lr = o.spec().schedule() != null ? o.spec().schedule()
          : step.input("lr", TensorType.f32(Shape.scalar()));
      lowering.lower(o.spec().kind(), o.spec().options(), trainable, values, grads, lr);
      optimizerState = lowering.states();
      updates = lowering.updates();
      learningRate = o.spec().schedule() != null ? 0.0 : o.spec().options().get("lr");
    }
    // The counters are inputs of every step, so that schedules can be ordinary expressions of them.
    step.input("epoch", new TensorType(DType.I64, Shape.scalar()));
    step.input("step", new TensorType(DType.I64, Shape.scalar()));
    Outputs stepOut = new Outputs(step);
    stepOut.add("loss", Signature.OutputRole.LOSS, t.loss().value(), null);
    t.metrics().forEach((name, v) -> stepOut.add(name, Signature.OutputRole.METRIC, v.value(), null));
    updates.forEach((name, v) -> stepOut.add("new:" + name, Signature.OutputRole.UPDATE, v, name));
    // Buffers that the model updated with `:=` (BatchNorm's running statistics): the step returns
    // their new values, which replace them, like updated parameters.
    tracer.stateUpdates().forEach((name, v) -> stepOut.add("new:" + name, Signature.OutputRole.UPDATE, v.value(), name));

    GraphBuilder eval = new GraphBuilder();
    Traced e = trace(train, globals, data, new Tracer(eval, false, sources, lints));
    if (e.model().firstOutput() == null) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, train.nameSpan(), "the train block never calls `model`");
    }
    Outputs evalOut = new Outputs(eval);
    evalOut.add("loss", Signature.OutputRole.LOSS, e.loss().value(), null);
    e.metrics().forEach((name, v) -> evalOut.add(name, Signature.OutputRole.METRIC, v.value(), null));
    evalOut.add("output", Signature.OutputRole.OUTPUT, e.model().firstOutput(), null);
    // The optimization passes (folding, simplification, CSE, dead code) run on every graph.
    // Evaluation takes only the inputs it reads (the loop feeds no counters to it); the training
    // step keeps every declared input as its interface.
    dev.nnet.ir.Graph evalBuilt = eval.build();
    dev.nnet.ir.Graph evalGraph = dev.nnet.opt.Pipeline.optimize(
        dev.nnet.opt.DeadCode.prune(evalBuilt, evalBuilt.outputs().keySet()));
    dev.nnet.ir.Graph predictGraph = dev.nnet.opt.Pipeline.optimize(
        dev.nnet.opt.DeadCode.prune(evalGraph, java.util.Set.of("output")));
    dev.nnet.ir.Graph stepGraph = dev.nnet.opt.Pipeline.optimize(step.build());
    warnStateNeverUpdated(t, evalGraph, tracer.stateUpdates().keySet(), lints);

    Map<String, Signature.InputRole> roles = new LinkedHashMap<>();
    params.forEach(p -> roles.put(p.name(), p.trainable() ? Signature.InputRole.PARAMETER : Signature.InputRole.STATE));
    optimizerState.forEach(p -> roles.put(p.name(), Signature.InputRole.OPTIMIZER_STATE));
    data.fieldTypes().keySet().forEach(f -> roles.put(f, Signature.InputRole.BATCH));
    SCALARS.forEach(sc -> roles.put(sc, Signature.InputRole.SCALAR));

    int epochs = (int) intSetting(train, t.scope(), "epochs", 10, 1);
    int batch = (int) intSetting(train, t.scope(), "batch", 32, 1);
    long seed = intSetting(train, t.scope(), "seed", 0, 0);
    boolean shuffle = !(t.scope().lookup("shuffle") instanceof Val.Bool b) || b.value();
    int reportEvery = (int) intSetting(train, t.scope(), "report_every", 1, 1);
    String save = t.scope().lookup("save") instanceof Val.Str s ? s.value() : null;
    String modelName = t.model().decl().name();
    return new TrainingPlan(modelName, t.model(),
        stepGraph, StepSignatures.of(stepGraph, roles, stepOut.slots),
        evalGraph, StepSignatures.of(evalGraph, roles, evalOut.slots),
        predictGraph, StepSignatures.of(predictGraph, roles, evalOut.slots),
        params, optimizerState, data, learningRate, epochs, batch, seed, shuffle, reportEvery, save);
  }

  /**
   * A buffer that evaluation reads but no training step updates with {@code :=} stays at its initial
   * value for good: usually running statistics whose update was forgotten (NNET1007).
   */
  private static void warnStateNeverUpdated(Traced t, dev.nnet.ir.Graph eval, java.util.Set<String> updated, Lints lints) {
    java.util.Set<String> read = new java.util.HashSet<>();
    for (dev.nnet.ir.Node n : eval.parameters()) {
      if (n.op() instanceof dev.nnet.ir.Op.Parameter p && !p.trainable()) {
        read.add(p.name());
      }
    }
    for (LayerInstance m : t.models()) {
      for (LayerInstance inst : m.flatten()) {
        for (ParamSpec p : inst.params()) {
          String local = inst.path().isEmpty() ? p.name() : p.name().substring(inst.path().length() + 1);
          SourceSpan at = inst.paramSpans().get(local);
          if (!p.trainable() && read.contains(p.name()) && !updated.contains(p.name()) && at != null) {
            lints.warn(Diagnostic.warning(ErrorCode.STATE_NEVER_UPDATED, at, "evaluation reads the buffer `" + p.name()
                    + "`, but no training step updates it, so it keeps its initial value")
                .withLabel("never updated")
                .withHelp("update it in `forward` with `" + local + " := ...` (as BatchNorm moves its running "
                    + "statistics); for a constant, compute it in `forward` or use a `let`"));
          }
        }
      }
    }
  }

  /** Whether a gradient is the zero the differentiator gives a parameter the loss does not depend on differentiably. */
  private static boolean isZeroFill(GraphBuilder graph, GraphBuilder.Value v) {
    return graph.node(v.id()).op() instanceof dev.nnet.ir.Op.Fill f && f.value() == 0;
  }

  /** A graph's outputs with their slots, added together. */
  private static final class Outputs {
    final GraphBuilder graph;
    final List<Signature.OutputSlot> slots = new ArrayList<>();

    Outputs(GraphBuilder graph) {
      this.graph = graph;
    }

    void add(String name, Signature.OutputRole role, GraphBuilder.Value value, String replaces) {
      graph.output(name, value);
      slots.add(new Signature.OutputSlot(name, role, value.type(), replaces));
    }
  }

  /**
   * Every setting is one the loop reads or a local value a later setting uses; anything else is a
   * misspelling ({@code epoch = 50}) that would otherwise be silently ignored.
   */
  private static void checkSettingNames(Decl.Train train) throws CheckError {
    List<Decl.Setting> settings = train.settings();
    for (int i = 0; i < settings.size(); i++) {
      Decl.Setting s = settings.get(i);
      if (SETTINGS.contains(s.name())) {
        continue;
      }
      boolean usedLater = false;
      for (int j = i + 1; j < settings.size() && !usedLater; j++) {
        usedLater = NamesUsed.in(settings.get(j).value()).contains(s.name());
      }
      for (dev.nnet.front.ast.Member.FnDecl step : train.steps()) {
        usedLater |= NamesUsed.in(step.body()).contains(s.name()); // the block's own step reads it
      }
      if (!usedLater) {
        String suggestion = NameSuggester.closest(s.name(), SETTINGS);
        throw new CheckError(Diagnostic.error(ErrorCode.UNKNOWN_SETTING, s.nameSpan(), "`" + s.name()
            + "` is not a setting of a train block, and no later setting (or the step) uses it")
            .withLabel("unknown setting")
            .withHelp(suggestion != null ? "did you mean `" + suggestion + "`?"
                : "the settings are " + String.join(", ", SETTINGS)));
      }
    }
  }

  /** A data field may not take the name of a scalar the loop feeds: the step's inputs share one namespace. */
  private static void checkFieldNames(DataPlan data) throws CheckError {
    for (String f : data.fieldTypes().keySet()) {
      if (SCALARS.contains(f)) {
        throw Tracer.error(ErrorCode.TRAIN_SETTING, data.fieldSpans().get(f), "the field `" + f + "` has the name of "
            + "a scalar the training step takes (" + String.join(", ", SCALARS) + "); rename the field");
      }
    }
  }

  private static Traced trace(Decl.Train train, Scope globals, DataPlan data, Tracer tracer) throws CheckError {
    Scope scope = new Scope(globals);
    Val m = tracer.eval(train.model(), scope);
    if (!(m instanceof Val.Layer model)) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, train.model().span(), "`train` needs a model such as `Mlp()`, got "
          + m.describe());
    }
    scope.define("model", model);
    tracer.noteSymbol("N", "the batch size (from `batch` in the train block, line " + train.span().line() + ")");
    for (var f : data.fieldTypes().entrySet()) {
      List<Dim> dims = new ArrayList<>();
      dims.add(Dim.symbol("N"));
      dims.addAll(f.getValue().shape().dims());
      TensorType type = new TensorType(f.getValue().dtype(), new Shape(dims));
      // A field's value originates at its declaration in the data block, so "produces" labels point there.
      SourceSpan declared = data.fieldSpans().getOrDefault(f.getKey(), train.dataSpan());
      scope.define(f.getKey(), new Val.Tensor(tracer.graph().input(f.getKey(), type, train.dataSpan()), declared));
    }
    // The counters are inputs of the step (0-based), so schedules and the like are ordinary expressions.
    for (String counter : List.of("epoch", "step")) {
      scope.define(counter, new Val.Tensor(tracer.graph().input(counter, new TensorType(DType.I64, Shape.scalar()),
          train.nameSpan()), train.nameSpan()));
    }
    Val.Tensor loss = null;
    Map<String, Val.Tensor> metrics = new LinkedHashMap<>();
    List<LayerInstance> models = new ArrayList<>(List.of(model.instance()));
    for (Decl.Setting s : train.settings()) {
      Val v = tracer.evalNamed(s.value(), scope, s.name()); // a second model's parameters are named after it
      scope.define(s.name(), v);
      if (v instanceof Val.Layer other && !models.contains(other.instance())) {
        models.add(other.instance());
      }
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
          if (metrics.containsKey(name) || name.equals("loss") || name.equals("output")) {
            // Metrics are outputs of the step graph, named by the function that computes them.
            throw Tracer.error(ErrorCode.TRAIN_SETTING, ex.span(), metrics.containsKey(name)
                ? "a second metric named `" + name + "`" : "a metric may not be named `" + name + "`");
          }
          metrics.put(name, new Val.Tensor(tracer.graph().addChecked(new dev.nnet.ir.Op.Cast(DType.F32), ex.span(),
              mt.value()), ex.span()));
        }
      }
    }
    if (!train.steps().isEmpty()) {
      loss = customStep(train, loss, models, scope, tracer);
    }
    if (loss == null) {
      throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, train.nameSpan(), "the train block has no `loss`")
          .withHelp("add for example `loss = cross_entropy(model(image), label)`"));
    }
    return new Traced(model.instance(), models, loss, metrics, scope);
  }

  /**
   * Traces the block's own {@code fn step()}, after the settings (which it may read: optimizers,
   * other models, values); what it returns is the step's loss. In training, its {@code minimize}
   * calls make the updates; in evaluation they do nothing.
   */
  private static Val.Tensor customStep(Decl.Train train, Val.Tensor lossSetting, List<LayerInstance> models, Scope scope,
      Tracer tracer) throws CheckError {
    dev.nnet.front.ast.Member.FnDecl fn = train.steps().get(0);
    if (train.steps().size() > 1 || !fn.name().equals("step") || !fn.params().isEmpty()) {
      dev.nnet.front.ast.Member.FnDecl bad = train.steps().size() > 1 ? train.steps().get(1) : fn;
      throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, bad.nameSpan(), "a train block may define one "
          + "function, `fn step()`, with no parameters (the batch's fields are in scope)").withLabel("not `fn step()`"));
    }
    if (lossSetting != null) {
      throw new CheckError(Diagnostic.error(ErrorCode.TRAIN_SETTING, lossSetting.origin(), "a train block with its "
          + "own `fn step()` takes the loss from what the step returns").withHelp("remove the `loss` setting, or "
          + "return it from the step"));
    }
    if (tracer.stepUpdates() != null) {
      models.forEach(tracer.stepUpdates()::addModel);
    }
    Val v = tracer.callFunction(fn, scope, new Args("step", fn.nameSpan()), "step", null);
    if (!(v instanceof Val.Tensor l) || l.value().rank() != 0 || l.value().dtype() != DType.F32) {
      throw new CheckError(Diagnostic.error(ErrorCode.LOSS_NOT_SCALAR, fn.nameSpan(),
          "`fn step()` must return the step's loss, a scalar f32 tensor, got " + v.describe())
          .withHelp("end the step with `return loss` (for several losses, return their sum or the one to report)"));
    }
    return l;
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
