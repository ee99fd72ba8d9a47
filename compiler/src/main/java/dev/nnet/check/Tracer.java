package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.Stmt;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.init.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a checked program by tracing: hyperparameters are computed, layers are instantiated,
 * and forward functions run on symbolic tensors, appending primitive ops to a {@link GraphBuilder}.
 * Each primitive's shape rule runs as its node is added, so the checker and the lowering to IR are
 * one pass, and every shape error is found at the expression that causes it.
 */
final class Tracer {
  private static final int MAX_DEPTH = 200;

  /** Where traced ops go: the graph being built, or the body of a scan while its step is traced. */
  private GraphBuilder graph;
  private final boolean training;
  private final Map<String, SourceFile> sources;
  private final Map<String, String> symbolOrigins = new LinkedHashMap<>();
  private final Map<String, Val.Tensor> stateUpdates = new LinkedHashMap<>();
  /** Which function produced each traced value, for lints such as softmax before cross_entropy. */
  private final Map<Integer, String> producers = new java.util.HashMap<>();
  private final Lints lints;
  private int depth;
  private final CallStack calls = new CallStack();
  /** Why the training mode never applies to what is traced here (data fields), or null. */
  private String modeIgnored;
  /** The layer that declared each parameter name, so that two layers never share one by accident. */
  private final Map<String, LayerInstance> paramOwners = new java.util.HashMap<>();
  private final List<RoundedDivision> roundedDivisions = new ArrayList<>();
  /** Where each int value was written, for helps that say where a number was set. */
  private final IntOrigins intOrigins;
  /** The name of the next layer created: the field being evaluated, until a layer takes it. */
  private String pendingPath;
  /**
   * The field being evaluated and how many layers its expression has created: a second one (from a
   * function returning two layers) is named {@code field.1}, so that its parameters are its own.
   */
  private String fieldPath;
  private int fieldLayers;
  private boolean mayInstantiate = true;
  private final TypeIndex types;

  Tracer(GraphBuilder graph, boolean training, Map<String, SourceFile> sources) {
    this(graph, training, sources, new Lints(), TypeIndex.EMPTY);
  }

  Tracer(GraphBuilder graph, boolean training, Map<String, SourceFile> sources, Lints lints) {
    this(graph, training, sources, lints, TypeIndex.EMPTY);
  }

  /** A tracer that reports lints into {@code lints} and records what each span of the checked file evaluates to into {@code types}. */
  Tracer(GraphBuilder graph, boolean training, Map<String, SourceFile> sources, Lints lints, TypeIndex types) {
    this(graph, training, sources, lints, types, new IntOrigins());
  }

  /** As above, sharing with the check's other tracers where each int value was written. */
  Tracer(GraphBuilder graph, boolean training, Map<String, SourceFile> sources, Lints lints, TypeIndex types,
      IntOrigins intOrigins) {
    this.intOrigins = intOrigins;
    this.graph = graph;
    this.training = training;
    this.sources = sources;
    this.lints = lints;
    this.types = types;
  }

  Lints lints() {
    return lints;
  }

  GraphBuilder graph() {
    return graph;
  }

  /** What a piece of tracing computes. */
  @FunctionalInterface
  interface TraceStep<T> {
    T run() throws CheckError;
  }

  /** Runs {@code step} with its ops going to {@code body} (a scan's step), then back to the graph before. */
  <T> T tracingInto(GraphBuilder body, TraceStep<T> step) throws CheckError {
    GraphBuilder saved = graph;
    graph = body;
    try {
      return step.run();
    } finally {
      graph = saved;
    }
  }

  boolean training() {
    return training;
  }

  /** The training step's optimizer updates ({@code minimize}), while tracing a train block in training mode; else null. */
  private StepUpdates stepUpdates;

  StepUpdates stepUpdates() {
    return stepUpdates;
  }

  void setStepUpdates(StepUpdates updates) {
    this.stepUpdates = updates;
  }

  /**
   * Evaluates {@code e} with layers it creates named under {@code path} (a train block's second
   * model, {@code disc = Discriminator()}, gets parameters {@code disc.fc1.weight}).
   */
  Val evalNamed(Expr e, Scope scope, String path) throws CheckError {
    String outerField = fieldPath;
    int outerCount = fieldLayers;
    pendingPath = path;
    fieldPath = path;
    fieldLayers = 0;
    try {
      return eval(e, scope);
    } finally {
      pendingPath = null;
      fieldPath = outerField;
      fieldLayers = outerCount;
    }
  }

  /** Remembers where a dimension symbol was introduced, for the "bindings" line of diagnostics. */
  void noteSymbol(String name, String origin) {
    symbolOrigins.putIfAbsent(name, origin);
  }

  // ---- expressions ----------------------------------------------------------------------------

  Val eval(Expr e, Scope scope) throws CheckError {
    if (++depth > MAX_DEPTH) {
      depth = 0;
      throw calls.tooDeep(e.span(), MAX_DEPTH);
    }
    try {
      Val v = evalInner(e, scope);
      types.record(e.span(), v);
      intOrigins.record(v, e.span());
      return v;
    } catch (dev.nnet.ir.DimensionTooLarge tooLargeOrZero) {
      // Dim arithmetic on the user's sizes: a product too large to expand, a division by zero.
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, e.span(), tooLargeOrZero.getMessage())
          .withHelp("check the sizes this expression computes with"));
    } catch (ArithmeticException overflow) {
      // A size computed by a shape rule or dimension arithmetic left 64 bits; the innermost
      // expression catches it first, so the error points at the expression that overflowed.
      throw new CheckError(Diagnostic.error(ErrorCode.INTEGER_OVERFLOW, e.span(),
          "a size computed here does not fit in a 64-bit integer (" + overflow.getMessage() + ")")
          .withHelp("sizes are at most " + String.format("%,d", Long.MAX_VALUE) + "; check the hyperparameters"));
    } finally {
      depth--;
    }
  }

  private Val evalInner(Expr e, Scope scope) throws CheckError {
    if (e instanceof Expr.IntLit i) return Val.Int.of(i.value());
    if (e instanceof Expr.FloatLit f) return new Val.Float(f.value());
    if (e instanceof Expr.StringLit s) return new Val.Str(s.value());
    if (e instanceof Expr.BoolLit b) return new Val.Bool(b.value());
    if (e instanceof Expr.Name n) return lookup(n.name(), n.span(), scope);
    if (e instanceof Expr.Unary u) return Operators.unary(this, u, eval(u.operand(), scope));
    if (e instanceof Expr.Binary b) return Operators.binary(this, b.op(), eval(b.left(), scope), eval(b.right(), scope), b);
    if (e instanceof Expr.Pipe p) return pipe(p, scope);
    if (e instanceof Expr.Call c) return call(eval(c.callee(), scope), evalArgs(c, scope), c.span());
    if (e instanceof Expr.Index ix) return index(ix, eval(ix.target(), scope), scope);
    if (e instanceof Expr.Member m) return member(m, eval(m.target(), scope));
    if (e instanceof Expr.Range r) {
      throw error(ErrorCode.INVALID_VALUE, r.span(), "a range `a..b` is only allowed inside `[...]`");
    }
    if (e instanceof Expr.If i) {
      Val c = eval(i.cond(), scope);
      if (c instanceof Val.Bool b) {
        return eval(b.value() ? i.then() : i.otherwise(), scope);
      }
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_TYPE, i.cond().span(),
          "`if` needs a bool known before running, got " + c.describe())
          .withHelp("to choose elementwise between tensors, use `where(cond, a, b)`"));
    }
    if (e instanceof Expr.Tuple t) return new Val.TupleV(evalAll(t.items(), scope));
    if (e instanceof Expr.ListLit l) return new Val.ListV(evalAll(l.items(), scope));
    if (e instanceof Expr.Block b) return block(b, scope);
    throw CheckError.alreadyReported(); // Expr.Error: the parser has reported it
  }

  private List<Val> evalAll(List<Expr> items, Scope scope) throws CheckError {
    List<Val> out = new ArrayList<>();
    for (Expr x : items) {
      out.add(eval(x, scope));
    }
    return out;
  }

  private Val lookup(String name, SourceSpan span, Scope scope) throws CheckError {
    Val v = scope.lookup(name);
    if (v != null) {
      return v;
    }
    if (name.equals("training")) {
      return new Val.Bool(training);
    }
    String suggestion = NameSuggester.closest(name, scope.visibleNames());
    Diagnostic d = Diagnostic.error(ErrorCode.UNKNOWN_NAME, span, "unknown name `" + name + "`").withLabel("not defined");
    if (suggestion == null && name.matches("[A-Z][A-Za-z0-9_]?")) {
      // A dimension symbol used outside the function whose parameter types bind it.
      String origin = symbolOrigins.get(name);
      throw new CheckError(d.withHelp("a dimension symbol such as `" + name + "` exists only in the body of the "
          + "function whose parameter types bind it" + (origin == null ? "" : " (here: " + origin + ")")
          + "; elsewhere pass the size as an `int` argument or hyperparameter, or read it from a tensor, "
          + "such as `x.shape[0]`"));
    }
    throw new CheckError(suggestion == null ? d : d.withHelp("did you mean `" + suggestion + "`?"));
  }

  private Val block(Expr.Block b, Scope outer) throws CheckError {
    Scope scope = new Scope(outer);
    Val last = new Val.None();
    for (Stmt s : b.stmts()) {
      if (s instanceof Stmt.Let l) {
          Val v = eval(l.value(), scope);
          if (l.destructure()) {
            List<Val> items = v instanceof Val.TupleV t ? t.items() : v instanceof Val.ListV lv ? lv.items() : null;
            if (items == null || items.size() != l.names().size()) {
              throw error(ErrorCode.ARGUMENT_TYPE, l.span(), "cannot unpack " + v.describe() + " into "
                  + l.names().size() + " names");
            }
            for (int i = 0; i < items.size(); i++) {
              scope.define(l.names().get(i), items.get(i));
            }
          } else {
            scope.define(l.names().get(0), v);
            types.record(l.span(), v);
          }
          last = new Val.None();
      } else if (s instanceof Stmt.Update u) {
        update(u, scope);
        last = new Val.None();
      } else if (s instanceof Stmt.Return r) {
        return eval(r.value(), scope);
      } else if (s instanceof Stmt.ExprStmt x) {
        last = eval(x.value(), scope);
      }
    }
    return last;
  }

  /**
   * {@code buffer := value}: in training, records the buffer's value for the next step (an output
   * of the step that replaces the buffer's input); in evaluation, skipped, as PyTorch's BatchNorm
   * leaves its running statistics alone in eval mode.
   */
  private void update(Stmt.Update u, Scope scope) throws CheckError {
    Val target = lookup(u.name(), u.nameSpan(), scope);
    Op.Parameter buffer = target instanceof Val.Tensor t && t.value().owner() == graph
        && graph.node(t.value().id()).op() instanceof Op.Parameter p && !p.trainable() ? p : null;
    if (buffer == null) {
      boolean inStep = target instanceof Val.Tensor t && t.value().owner() != graph;
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, u.nameSpan(), inStep
          ? "a buffer cannot be updated inside a `scan` step" : "`" + u.name() + "` is not a buffer, so `:=` cannot update it")
          .withLabel(inStep ? "inside a scan step" : "not a buffer")
          .withHelp(inStep ? "return the new value from the step and update the buffer after the scan"
              : "declare it in the layer as `buffer " + u.name() + ": [...] = zeros`; parameters change through the optimizer"));
    }
    if (!training) {
      return;
    }
    Val v = eval(u.value(), scope);
    Val.Tensor value = asTensor(v, buffer.type().dtype(), u.value().span());
    if (!value.value().type().equals(buffer.type())) {
      throw new CheckError(Diagnostic.error(ErrorCode.OP_SHAPE, u.value().span(), "`" + u.name() + "` is "
          + buffer.type() + " but its new value is " + value.value().type())
          .withLabel("this is " + value.value().type()).withHelp("the new value must have the buffer's shape and dtype"));
    }
    if (stateUpdates.containsKey(buffer.name())) {
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, u.span(), "`" + buffer.name()
          + "` is updated twice in one training step").withRelated(stateUpdates.get(buffer.name()).origin(), "first updated here")
          .withHelp("a layer whose forward updates a buffer can be called once per step; use two layers"));
    }
    stateUpdates.put(buffer.name(), new Val.Tensor(value.value(), u.span()));
  }

  /** The buffers this trace updated, by name, with their new values (in training only). */
  Map<String, Val.Tensor> stateUpdates() {
    return stateUpdates;
  }

  private Args evalArgs(Expr.Call c, Scope scope) throws CheckError {
    Args args = new Args(calleeName(c.callee()), c.span());
    for (Expr.Arg a : c.args()) {
      args.add(a.name(), eval(a.value(), scope), a.value().span());
    }
    return args;
  }

  private static String calleeName(Expr callee) {
    if (callee instanceof Expr.Name n) {
      return n.name();
    }
    return callee instanceof Expr.Member m ? m.name() : "function";
  }

  private Val pipe(Expr.Pipe p, Scope scope) throws CheckError {
    Val input = eval(p.value(), scope);
    Expr stage = p.stage();
    if (stage instanceof Expr.Call c) {
      Args args = evalArgs(c, scope).prepend(input, p.value().span());
      return call(eval(c.callee(), scope), args, stage.span());
    }
    return call(eval(stage, scope), Args.of(calleeName(stage), stage.span(), input), stage.span());
  }

  // ---- calls ----------------------------------------------------------------------------------

  Val call(Val callee, Args args, SourceSpan span) throws CheckError {
    if (callee instanceof Val.Builtin b) return b.impl().call(this, args.renamed(b.name()), span);
    if (callee instanceof Val.Fn f) return callFunction(f.decl(), f.scope(), args, f.decl().name(), null);
    if (callee instanceof Val.Layer l) return callLayer(l.instance(), args, span);
    if (callee instanceof Val.LayerDef d) return new Val.Layer(instantiate(d, args, span));
    if (callee instanceof Val.Init i && i.init() instanceof Initializer.XavierUniform) {
      return new Val.Init(new Initializer.XavierUniform(args.number(0, "gain", 1.0)));
    }
    if (callee instanceof Val.Init i && i.init() instanceof Initializer.XavierNormal) {
      return new Val.Init(new Initializer.XavierNormal(args.number(0, "gain", 1.0)));
    }
    throw new CheckError(Diagnostic.error(ErrorCode.NOT_CALLABLE, span,
        callee.describe() + " cannot be called").withLabel("not a function or layer"));
  }

  /** Calls a function or forward: binds parameters (matching tensor types), runs the body, checks the result. */
  Val callFunction(Member.FnDecl fn, Scope defining, Args args, String displayName, LayerInstance layer)
      throws CheckError {
    calls.push(displayName, args.callSpan());
    SourceSpan.Call before = enterLibrary(displayName, args.callSpan(), fn.span());
    try {
      return callFunctionTraced(fn, defining, args, displayName, layer);
    } catch (CheckError e) {
      throw CallStack.atCaller(e, displayName, args.callSpan());
    } finally {
      graph.enterLibraryCall(before);
      calls.pop();
    }
  }

  private Val callFunctionTraced(Member.FnDecl fn, Scope defining, Args args, String displayName, LayerInstance layer)
      throws CheckError {
    Scope scope = new Scope(defining);
    SignatureMatcher matcher = new SignatureMatcher(this, displayName, layer, args.callSpan());
    List<Member.FnDecl.Param> params = fn.params();
    args.renamed(displayName).matchParameters(params.stream().map(Member.FnDecl.Param::name).toList(), "argument", "parameter", fn.nameSpan());
    for (int i = 0; i < params.size(); i++) {
      Member.FnDecl.Param p = params.get(i);
      Args.Arg a = args.find(i, p.name());
      Val v;
      SourceSpan at;
      if (a != null) {
        v = a.value();
        at = a.span();
      } else if (p.defaultValue() != null) {
        v = eval(p.defaultValue(), scope);
        at = p.defaultValue().span();
      } else {
        throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, args.callSpan(),
            "`" + displayName + "` needs an argument for `" + p.name() + "`").withLabel("missing `" + p.name() + "`")
            .withRelated(p.span(), "parameter declared here"));
      }
      if (p.type() != null) {
        matcher.checkArgument(p, v, at, scope);
      }
      scope.define(p.name(), v);
      types.record(p.span(), v);
    }
    lintCall(fn.name(), args);
    Val result = eval(fn.body(), scope);
    if (result instanceof Val.Tensor produced && layer == null) {
      producers.put(produced.value().id(), fn.name());
    }
    if (fn.result() instanceof TypeRef.Tensor t) {
      matcher.checkResult(t, result, fn.body().span(), scope);
    }
    if (result instanceof Val.Tensor r && layer == null) {
      // Point diagnostics at the caller's code, not inside the function: a shape-preserving call
      // (relu, dropout) keeps its input's origin; anything else originates at the call.
      Val.Tensor first = args.positional().isEmpty() || !(args.positional().get(0).value() instanceof Val.Tensor t0)
          ? null : t0;
      SourceSpan origin = first != null && first.value().type().equals(r.value().type()) ? first.origin() : args.callSpan();
      return new Val.Tensor(r.value(), origin);
    }
    return result;
  }

  /** Warnings about how a library function is called (NNET1001, NNET1002). */
  private void lintCall(String name, Args args) {
    if (args.positional().isEmpty() || !(args.positional().get(0).value() instanceof Val.Tensor first)) {
      return;
    }
    String producer = producers.get(first.value().id());
    SourceSpan at = args.positional().get(0).span();
    if ((name.equals("cross_entropy")) && "softmax".equals(producer)) {
      lints.warn(Diagnostic.warning(ErrorCode.SOFTMAX_BEFORE_CROSS_ENTROPY, at,
          "`cross_entropy` takes logits, but this value has been through `softmax`")
          .withLabel("already softmax-ed").withHelp("pass the logits (remove the `softmax`); cross_entropy applies "
              + "log_softmax itself"));
    }
    if (modeIgnored != null && (name.equals("dropout") || name.equals("batch_norm"))) {
      lints.warn(Diagnostic.warning(ErrorCode.MODE_IGNORED, args.callSpan(), "`" + name + "` behaves differently in "
              + "training and evaluation, but " + modeIgnored + ", so it is always the evaluation " + (name.equals("dropout")
              ? "identity" : "normalization with the running statistics"))
          .withLabel("never in training mode")
          .withHelp("apply it in the model (a `" + (name.equals("dropout") ? "Dropout" : "BatchNorm1d")
              + "` layer), where train blocks turn training mode on"));
    }
    String unsuited = ActivationLoss.problem(producer, name);
    if (unsuited != null) {
      lints.warn(Diagnostic.warning(ErrorCode.ACTIVATION_BEFORE_LOSS, at, unsuited)
          .withLabel("`" + producer + "` output").withHelp(ActivationLoss.fix(producer, name)));
    }
    if (name.equals("mse") && "sigmoid".equals(producer)) {
      lints.warn(Diagnostic.warning(ErrorCode.SIGMOID_WITH_MSE, at,
          "a sigmoid output trained with `mse` learns slowly when it saturates")
          .withLabel("sigmoid output").withHelp("for a binary target, use `binary_cross_entropy` (or "
              + "`binary_cross_entropy_with_logits` on the logits)"));
    }
  }

  /** Where an int value was written (its literal or computing expression), or null when not known. */
  SourceSpan writtenAt(Val v) {
    return intOrigins.of(v);
  }

  /** Remembers an int division that rounded down, for the help of a reshape that then does not fit. */
  void noteRoundedDivision(RoundedDivision d) {
    roundedDivisions.add(d);
  }

  /**
   * A reshape to {@code target} at {@code span} that does not fit, explained by an int division that
   * rounded down (the latest that explains it): the help, and the division as a note. Else the error as it is.
   */
  CheckError withRoundedDivision(CheckError e, SourceSpan span, List<Dim> target) {
    for (int i = roundedDivisions.size() - 1; i >= 0 && e.diagnostic() != null; i--) {
      RoundedDivision d = roundedDivisions.get(i);
      if (d.explains(span, target)) {
        Diagnostic explained = e.diagnostic().withHelp(d.help(text(d.at())))
            .withRelated(d.within(span) ? null : d.at(), "rounded down here");
        for (RoundedDivision.Setting set : d.settingsKnown()) {
          explained = explained.withRelated(set.at(), "`" + set.name() + "` = " + set.value() + " set here");
        }
        return new CheckError(explained);
      }
    }
    return e;
  }

  /** Says that what this tracer evaluates never runs in training mode, and why, so mode-dependent layers warn. */
  void ignoresMode(String why) {
    modeIgnored = why;
  }

  void warn(Diagnostic d) {
    lints.warn(d);
  }

  Val callLayer(LayerInstance inst, Args args, SourceSpan span) throws CheckError {
    Val fwd = inst.scope().lookup("forward");
    if (!(fwd instanceof Val.Fn f) || !inst.scope().definesLocally("forward")) {
      throw new CheckError(Diagnostic.error(ErrorCode.MISSING_FORWARD, span,
          "`" + inst.displayName() + "` has no `forward` to call").withRelated(inst.decl().nameSpan(), "defined here")
          .withHelp("add `forward(x: [...]) = ...` to `" + inst.decl().name() + "`"));
    }
    boolean saved = mayInstantiate;
    mayInstantiate = false;
    try {
      Val out = callFunction(f.decl(), f.scope(), args, inst.displayName(), inst);
      if (out instanceof Val.TupleV tuple) {
        inst.recordTupleOutput(typesOf(tuple), firstTensor(tuple));
      }
      if (out instanceof Val.Tensor t) {
        inst.recordOutput(t.value());
        return new Val.Tensor(t.value(), inst.definedAt());
      }
      return out;
    } finally {
      mayInstantiate = saved;
    }
  }

  /** The first tensor in a (nested) tuple, or null. */
  private static GraphBuilder.Value firstTensor(Val v) {
    if (v instanceof Val.Tensor t) {
      return t.value();
    }
    if (v instanceof Val.TupleV tuple) {
      for (Val item : tuple.items()) {
        GraphBuilder.Value first = firstTensor(item);
        if (first != null) {
          return first;
        }
      }
    }
    return null;
  }

  /** {@code ([N, T, 128], ([1, N, 128], [1, N, 128]))}: the types in a tuple of tensors. */
  private static String typesOf(Val v) {
    if (v instanceof Val.Tensor t) {
      return t.value().type().toString();
    }
    if (v instanceof Val.TupleV tuple) {
      return tuple.items().stream().map(Tracer::typesOf).collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    }
    return v.describe();
  }

  /** Creates a layer instance: binds hyperparameters, then evaluates params, sub-layers and fields in order. */
  LayerInstance instantiate(Val.LayerDef def, Args args, SourceSpan span) throws CheckError {
    SourceSpan.Call before = enterLibrary(def.decl().name(), span, def.decl().span());
    try {
      return instantiateTraced(def, args, span);
    } catch (CheckError e) {
      throw CallStack.atCaller(e, def.decl().name(), span);
    } finally {
      graph.enterLibraryCall(before);
    }
  }

  /**
   * When the user's code ({@code call}) calls a library function or layer (defined at {@code callee}),
   * marks the nodes traced inside as reached through that call, so that run-time errors in them
   * name the user's line; calls within the library leave the user's call in effect. Returns the
   * call in effect before, to restore.
   */
  private SourceSpan.Call enterLibrary(String name, SourceSpan call, SourceSpan callee) {
    boolean intoLibrary = call != null && call.isKnown() && !CallStack.isLibrary(call) && CallStack.isLibrary(callee);
    SourceSpan.Call before = graph.enterLibraryCall(null);
    graph.enterLibraryCall(intoLibrary ? new SourceSpan.Call(name, call) : before);
    return before;
  }

  private LayerInstance instantiateTraced(Val.LayerDef def, Args args, SourceSpan span) throws CheckError {
    Decl.Layer decl = def.decl();
    if (!mayInstantiate) {
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, span,
          "layers are created as fields, not inside `forward`").withLabel("creates a new `" + decl.name() + "` here")
          .withHelp("add a field such as `fc = " + decl.name() + "(...)` to the layer and use `fc` here"));
    }
    String path = pendingPath != null ? pendingPath : fieldPath != null ? fieldPath + "." + fieldLayers : "";
    fieldLayers++;
    pendingPath = null;
    Scope scope = new Scope(def.scope());
    LayerInstance inst = new LayerInstance(decl, path, scope, span);
    bindHyperParams(decl, args, scope, inst);
    for (Member m : decl.members()) {
      if (m instanceof Member.Param p) {
        addParam(p, scope, inst);
      } else if (m instanceof Member.Field f) {
          String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
          Val v = evalField(f.value(), scope, fieldPath);
          if (v instanceof Val.Layer l) {
            inst.children().put(f.name(), l.instance());
            v = new Val.Layer(l.instance());
          }
          addListedChildren(inst, f.name(), v);
          scope.define(f.name(), v);
          types.record(f.nameSpan(), v);
      } else if (m instanceof Member.Forward fw) {
        scope.define("forward", new Val.Fn(fw.fn(), scope));
      } else if (m instanceof Member.Method mm) {
        scope.define(mm.fn().name(), new Val.Fn(mm.fn(), scope));
      }
    }
    return inst;
  }

  /**
   * A field's value, its layers named after it. The items of a list or tuple literal are named by
   * position ({@code layers.0}, as PyTorch's ModuleList): unnamed, two layers in lists would get the
   * same parameter names and silently share their weights.
   */
  private Val evalField(Expr value, Scope scope, String fieldPath) throws CheckError {
    List<Expr> items = value instanceof Expr.ListLit l ? l.items() : value instanceof Expr.Tuple t ? t.items() : null;
    if (items == null) {
      return evalNamed(value, scope, fieldPath);
    }
    List<Val> vals = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      vals.add(evalField(items.get(i), scope, fieldPath + "." + i));
    }
    Val v = value instanceof Expr.ListLit ? new Val.ListV(vals) : new Val.TupleV(vals);
    types.record(value.span(), v);
    return v;
  }

  /** The layers inside a list or tuple field are children too, so summaries and parameter counts see them. */
  private static void addListedChildren(LayerInstance inst, String name, Val v) {
    List<Val> items = v instanceof Val.ListV l ? l.items() : v instanceof Val.TupleV t ? t.items() : List.of();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof Val.Layer l) {
        inst.children().put(name + "." + i, l.instance());
      }
      addListedChildren(inst, name + "." + i, items.get(i));
    }
  }

  private void bindHyperParams(Decl.Layer decl, Args args, Scope scope, LayerInstance inst) throws CheckError {
    List<Decl.HyperParam> params = decl.params();
    args.renamed(decl.name()).matchParameters(params.stream().map(Decl.HyperParam::name).toList(),
        "hyperparameter", "hyperparameter", decl.nameSpan());
    for (int i = 0; i < params.size(); i++) {
      Decl.HyperParam p = params.get(i);
      Args.Arg a = args.find(i, p.name());
      Val v;
      if (a != null) {
        v = a.value();
        inst.argSpans().put(p.name(), a.span());
      } else if (p.defaultValue() != null) {
        v = eval(p.defaultValue(), scope);
      } else {
        throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, args.callSpan(),
            "`" + decl.name() + "` needs a value for `" + p.name() + "`").withLabel("missing `" + p.name() + "`")
            .withRelated(p.span(), "declared here"));
      }
      v = SignatureMatcher.checkKind(p.type(), v, a != null ? a.span() : p.span(), decl.name(), p.name());
      scope.define(p.name(), v);
      types.record(p.span(), v);
      inst.hyperParams().put(p.name(), display(v));
    }
  }

  private static Object display(Val v) {
    if (v instanceof Val.Int i) return i.value().isConstant() ? (Object) i.value().constant() : i.value().toString();
    if (v instanceof Val.Float f) return f.value();
    if (v instanceof Val.Bool b) return b.value();
    if (v instanceof Val.Str s) return s.value();
    if (v instanceof Val.Init i) return i.init().text();
    return v.describe();
  }

  private void addParam(Member.Param p, Scope scope, LayerInstance inst) throws CheckError {
    if (p.condition() != null) {
      Val c = eval(p.condition(), scope);
      if (!(c instanceof Val.Bool b)) {
        throw error(ErrorCode.ARGUMENT_TYPE, p.condition().span(), "the condition of a param must be a bool, got " + c.describe());
      }
      if (!b.value()) {
        scope.define(p.name(), new Val.None());
        return;
      }
    }
    if (p.type() == null) {
      throw error(ErrorCode.SYNTAX, p.span(), "`" + p.name() + "` needs a tensor type such as `[out, in]`");
    }
    Shape shape = evalShape(p.type(), scope);
    checkAllocatable(p, shape, inst);
    Initializer init = new Initializer.Zeros();
    if (p.init() != null) {
      Val v = eval(p.init(), scope);
      if (v instanceof Val.Init i) {
        init = i.init();
      } else if (v instanceof Val.Float f) {
        init = new Initializer.Constant(f.value());
      } else if (v instanceof Val.Int i && i.value().isConstant()) {
        init = new Initializer.Constant(i.value().constant());
      } else {
        throw error(ErrorCode.ARGUMENT_TYPE, p.init().span(), "`" + p.name() + "` needs an initializer such as "
            + "`xavier_uniform` or `zeros`, got " + v.describe());
      }
    }
    boolean constant = init instanceof Initializer.Zeros || init instanceof Initializer.Ones
        || init instanceof Initializer.Constant;
    if (constant && p.trainable() && shape.rank() >= 2) {
      lints.warn(Diagnostic.warning(ErrorCode.CONSTANT_WEIGHT_INIT, p.init() != null ? p.init().span() : p.nameSpan(),
          "weights `" + p.name() + "` start as a constant: every unit gets the same gradient and they never differ")
          .withLabel("constant initializer").withHelp("use a random initializer such as `xavier_uniform` or `he_normal`"));
    }
    String name = inst.path().isEmpty() ? p.name() : inst.path() + "." + p.name();
    LayerInstance owner = paramOwners.putIfAbsent(name, inst);
    if (owner != null && owner != inst) {
      // Parameters are fed by name: two layers with one name would silently train one set of weights.
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, inst.definedAt(), "two layers get the parameter "
          + "name `" + name + "`, so they would share their weights")
          .withLabel("this `" + inst.decl().name() + "` gets `" + name + "`")
          .withRelated(owner.definedAt(), "this `" + owner.decl().name() + "` got `" + name + "` first")
          .withHelp("give each layer a field of its own (`fc = " + owner.decl().name() + "(...)`), or put them in a "
              + "list field (`layers = [...]`); a layer passed as a default argument has no field to be named after"));
    }
    GraphBuilder.Value node;
    try {
      node = graph.parameter(name, TensorType.f32(shape), p.trainable(), p.span());
    } catch (dev.nnet.ir.LeafNameTaken nameTaken) {
      // Inputs and parameters are fed by name: a top-level `param lr` meets the step's input `lr`.
      throw new CheckError(Diagnostic.error(ErrorCode.DUPLICATE_NAME, p.nameSpan(),
          "the parameter `" + name + "` has the name of an input of the traced graph (a forward parameter, a data "
              + "field, `lr`, `epoch` or `step`)").withHelp("rename the parameter"));
    }
    inst.params().add(new ParamSpec(name, shape, init, p.trainable()));
    inst.paramSpans().put(p.name(), p.span());
    Val.Tensor value = new Val.Tensor(node, p.span());
    scope.define(p.name(), value);
    types.record(p.nameSpan(), value);
  }

  /**
   * The most elements one tensor can have: the runtime keeps a tensor in one Java array. A larger
   * parameter could never be allocated, on any machine, so it is an error now, at the line that
   * asks for it, rather than an overflow or OutOfMemoryError when training starts.
   */
  static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

  private void checkAllocatable(Member.Param p, Shape shape, LayerInstance inst) throws CheckError {
    String name = inst.path().isEmpty() ? p.name() : inst.path() + "." + p.name();
    SourceSpan at = inst.definedAt() != null && inst.definedAt().isKnown() ? inst.definedAt() : p.span();
    Dim numel;
    try {
      numel = shape.numel();
    } catch (ArithmeticException e) {
      throw new CheckError(Diagnostic.error(ErrorCode.INTEGER_OVERFLOW, at, "parameter `" + name + "` of shape " + shape
          + " has more elements than a 64-bit integer can count").withHelp("use smaller sizes"));
    }
    if (!numel.isConstant() || numel.constant() <= MAX_TENSOR_ELEMENTS) {
      return;
    }
    Diagnostic d = Diagnostic.error(ErrorCode.TOO_LARGE, at, String.format(
        "parameter `%s` of shape %s has %,d elements (%,d bytes of f32); one tensor holds at most %,d elements",
        name, shape, numel.constant(), java.math.BigInteger.valueOf(numel.constant()).shiftLeft(2), MAX_TENSOR_ELEMENTS))
        .withLabel("asks for " + shape).withHelp("use smaller sizes; a layer this large could not be trained in memory");
    if (!at.equals(p.span())) {
      d = d.withRelated(p.span(), "`" + p.name() + "` is declared here");
    }
    throw new CheckError(d);
  }

  /** The shape a tensor type denotes in {@code scope}; every dim must be known (no new symbols). */
  Shape evalShape(TypeRef.Tensor t, Scope scope) throws CheckError {
    List<Dim> dims = new ArrayList<>();
    for (TypeRef.DimRef d : t.dims()) {
      if (d instanceof TypeRef.DimRef.Variadic v) {
          Val pack = scope.lookup(v.name());
          if (!(pack instanceof Val.ListV l)) {
            throw error(ErrorCode.UNKNOWN_NAME, v.span(), "`*" + v.name() + "` is not bound here");
          }
          for (Val x : l.items()) {
            dims.add(((Val.Int) x).value());
          }
      } else if (d instanceof TypeRef.DimRef.Of o) {
          Val x = eval(o.expr(), scope);
          if (!(x instanceof Val.Int i)) {
            throw error(ErrorCode.ARGUMENT_TYPE, o.span(), "a dimension must be an int, got " + x.describe());
          }
          if (i.value().isConstant() && i.value().constant() < 0) {
            throw error(ErrorCode.INVALID_VALUE, o.span(), "a dimension cannot be negative, got " + i.value());
          }
          dims.add(i.value());
      }
    }
    return new Shape(dims);
  }

  /** A tensor for a number operand: a scalar constant of the other operand's dtype. */
  Val.Tensor asTensor(Val v, DType dtype, SourceSpan span) throws CheckError {
    if (v instanceof Val.Tensor t) {
      return t;
    }
    DType want = dtype == null ? DType.F32 : dtype;
    if (v instanceof Val.Int i && i.value().isConstant()) {
      return constant(i.value().constant(), want, span);
    }
    if (v instanceof Val.Float f) {
      if (want == DType.I64) {
        throw new CheckError(Diagnostic.error(ErrorCode.DTYPE_MISMATCH, span,
            "cannot combine the i64 tensor with the float " + f.value()).withHelp("convert it first: `cast(x, f32)`"));
      }
      return constant(f.value(), want, span);
    }
    if (v instanceof Val.Bool b && want == DType.BOOL) {
      return constant(b.value() ? 1 : 0, want, span);
    }
    if (v instanceof Val.Int i) {
      throw error(ErrorCode.ARGUMENT_TYPE, span, "the dimension " + i.value()
          + " is only known when the program runs; it cannot be used as a tensor value");
    }
    throw error(ErrorCode.ARGUMENT_TYPE, span, "expected a tensor or a number, got " + v.describe());
  }

  Val.Tensor constant(double value, DType dtype, SourceSpan span) {
    return new Val.Tensor(graph.addChecked(new Op.Fill(value, new TensorType(dtype, Shape.scalar())), span), span);
  }

  /** Adds a primitive op; a rule violation becomes a diagnostic at {@code span} naming both operands. */
  Val.Tensor tensor(Op op, SourceSpan span, Val.Tensor... inputs) throws CheckError {
    List<SourceSpan> origins = new ArrayList<>();
    for (Val.Tensor t : inputs) {
      origins.add(t.origin());
    }
    return tensorAt(op, span, List.of(inputs), origins);
  }

  Val.Tensor tensorAt(Op op, SourceSpan span, List<Val.Tensor> inputs, List<SourceSpan> operandSpans)
      throws CheckError {
    GraphBuilder.Value[] values = inputs.stream().map(Val.Tensor::value).toArray(GraphBuilder.Value[]::new);
    try {
      return new Val.Tensor(graph.add(op, span, values), span);
    } catch (ShapeError e) {
      boolean dtype = e.getMessage().contains("dtype") || e.getMessage().contains(" values, got ");
      Diagnostic d = Diagnostic.error(dtype ? ErrorCode.DTYPE_MISMATCH : ErrorCode.OP_SHAPE, span, e.getMessage())
          .withLabel(opLabel(inputs));
      for (int i = 0; i < inputs.size(); i++) {
        SourceSpan s = inputs.get(i).origin();
        if (s != null && s.isKnown() && !s.equals(span)) {
          d = d.withRelated(s, "this is " + inputs.get(i).value().type());
        }
      }
      throw new CheckError(d.withBindings(bindingsFor(inputs.stream().map(t -> t.value().type()).toList())));
    }
  }

  private static String opLabel(List<Val.Tensor> inputs) {
    return "operands " + String.join(" and ", inputs.stream().map(t -> t.value().type().toString()).toList());
  }

  /** "N = batch size (from ...)" lines for every symbol in these types. */
  List<String> bindingsFor(List<TensorType> types) {
    List<String> out = new ArrayList<>();
    for (TensorType t : types) {
      for (Dim d : t.shape().dims()) {
        for (String s : d.symbols()) {
          String origin = symbolOrigins.get(s);
          String line = s + " = " + (origin == null ? "unknown until run time" : origin);
          if (!out.contains(line)) {
            out.add(line);
          }
        }
      }
    }
    return out;
  }

  // ---- indexing and members -------------------------------------------------------------------

  private Val index(Expr.Index ix, Val target, Scope scope) throws CheckError {
    if (target instanceof Val.ListV || target instanceof Val.TupleV) {
      List<Val> items = target instanceof Val.ListV l ? l.items() : ((Val.TupleV) target).items();
      if (ix.items().size() == 1 && ix.items().get(0) instanceof Expr.IndexItem.At at) {
        long i = intOf(eval(at.index(), scope), at.span());
        long n = items.size();
        if (i < -n || i >= n) {
          throw error(ErrorCode.INVALID_VALUE, at.span(), "index " + i + " is out of range for " + target.describe());
        }
        return items.get((int) (i < 0 ? i + n : i));
      }
      if (ix.items().size() == 1 && ix.items().get(0) instanceof Expr.IndexItem.Slice sl) {
        long n = items.size();
        long from = sl.from() == null ? 0 : normalize(intOf(eval(sl.from(), scope), sl.span()), n);
        long to = sl.to() == null ? n : normalize(intOf(eval(sl.to(), scope), sl.span()), n);
        // Python's clamping: a range past the end, or reversed, is empty (found by fuzzing: `xs[100:]`).
        int start = (int) Math.min(from, n);
        return new Val.ListV(items.subList(start, (int) Math.max(start, Math.min(to, n))));
      }
      throw error(ErrorCode.INVALID_VALUE, ix.span(), "a list takes one index or range");
    }
    if (target instanceof Val.SourcePart p) {
      return DataLowering.slicePart(p, ix, scope, this);
    }
    if (target instanceof Val.Tensor t) {
      return TensorIndexing.index(this, t, ix, scope);
    }
    throw error(ErrorCode.ARGUMENT_TYPE, ix.span(), target.describe() + " cannot be indexed");
  }

  long intOf(Val v, SourceSpan span) throws CheckError {
    if (v instanceof Val.Int i && i.value().isConstant()) {
      return i.value().constant();
    }
    throw error(ErrorCode.ARGUMENT_TYPE, span, "expected a constant int, got " + v.describe());
  }

  private static long normalize(long i, long n) {
    return i < 0 ? Math.max(0, i + n) : i;
  }

  private Val member(Expr.Member m, Val target) throws CheckError {
    if (target instanceof Val.Tensor t) {
      switch (m.name()) {
        case "T": {
          int r = t.value().rank();
          if (r < 2) {
            throw error(ErrorCode.OP_SHAPE, m.span(), "`.T` needs a tensor of rank 2 or more, got " + t.value().type());
          }
          List<Integer> order = new ArrayList<>(GraphBuilder.allAxes(r));
          order.set(r - 1, r - 2);
          order.set(r - 2, r - 1);
          return tensor(new Op.Permute(order), m.span(), t);
        }
        case "shape":
          return new Val.ListV(t.value().shape().dims().stream().map(d -> (Val) new Val.Int(d)).toList());
        case "rank":
          return Val.Int.of(t.value().rank());
        default:
          throw error(ErrorCode.UNKNOWN_MEMBER, m.span(), "a tensor has no member `" + m.name() + "`; it has T, shape, rank");
      }
    }
    if (target instanceof Val.Layer l) {
      if (l.instance().scope().definesLocally(m.name())) {
        return l.instance().scope().lookup(m.name());
      }
      throw error(ErrorCode.UNKNOWN_MEMBER, m.span(), "`" + l.instance().displayName() + "` has no member `" + m.name() + "`");
    }
    throw error(ErrorCode.UNKNOWN_MEMBER, m.span(), target.describe() + " has no member `" + m.name() + "`");
  }

  // ---- helpers for the rest of the checker ----------------------------------------------------

  SourceFile source(String file) {
    return sources.get(file);
  }

  /** The source text of a span, for help lines that show an edit; {@code ...} when it is not at hand. */
  String text(SourceSpan span) {
    SourceFile file = span == null || !span.isKnown() ? null : sources.get(span.file());
    return file == null || span.line() != span.endLine() ? "..." : file.slice(span);
  }

  static CheckError error(ErrorCode code, SourceSpan span, String message) {
    return new CheckError(Diagnostic.error(code, span, message));
  }
}
