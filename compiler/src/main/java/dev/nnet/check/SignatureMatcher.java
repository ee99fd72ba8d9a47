package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Matches values against declared types at a call boundary. A tensor type such as
 * {@code [*B, in]} is unified with the argument's shape: names not yet bound ({@code N}, {@code B})
 * are bound to the argument's dims and become ints in the body; the others must equal.
 * A mismatch is reported at the call, with where the argument came from and what was declared.
 */
final class SignatureMatcher {
  private final Tracer tracer;
  private final String callee;
  private final LayerInstance layer;
  private final SourceSpan callSpan;
  /** Which argument bound each variadic name ({@code *S}) in this call, to explain a later disagreement. */
  private final java.util.Map<String, SameShapeMismatch.Side> packOwners = new java.util.HashMap<>();

  SignatureMatcher(Tracer tracer, String callee, LayerInstance layer, SourceSpan callSpan) {
    this.tracer = tracer;
    this.callee = callee;
    this.layer = layer;
    this.callSpan = callSpan;
  }

  void checkArgument(Member.FnDecl.Param p, Val v, SourceSpan at, Scope scope) throws CheckError {
    if (p.type() instanceof TypeRef.Tensor t) {
      if (!(v instanceof Val.Tensor tensor)) {
        Diagnostic d = Diagnostic.error(ErrorCode.ARGUMENT_TYPE, at,
            "`" + callee + "` needs a tensor for `" + p.name() + "`, got " + v.describe()).withLabel("expected a tensor");
        // mse(prediction, 0.0): a number for an operand that must have another's shape is that shape filled.
        SameShapeMismatch.Side owner = t.dims().size() == 1 && t.dims().get(0) instanceof TypeRef.DimRef.Variadic var
            ? packOwners.get(var.name()) : null;
        String number = argumentText(at);
        if (owner != null && owner.text() != null && number != null && (v instanceof Val.Float || v instanceof Val.Int)) {
          d = d.withHelp("for a tensor of " + number + " with the shape of `" + owner.param() + "`, write `fill("
              + owner.text() + ".shape, " + number + ")`");
        }
        throw new CheckError(d);
      }
      unify(t, tensor, scope, p.name(), false, at);
    } else {
      scope.define(p.name(), checkKind(p.type(), v, at, callee, p.name()));
    }
  }

  void checkResult(TypeRef.Tensor t, Val v, SourceSpan at, Scope scope) throws CheckError {
    if (!(v instanceof Val.Tensor tensor)) {
      throw new CheckError(Diagnostic.error(ErrorCode.RESULT_SHAPE, at,
          "`" + callee + "` is declared to return a tensor but returns " + v.describe()));
    }
    unify(t, new Val.Tensor(tensor.value(), at), scope, null, true, at);
  }

  private void unify(TypeRef.Tensor declared, Val.Tensor actual, Scope scope, String param, boolean result,
      SourceSpan at) throws CheckError {
    DType want = declared.dtype() == null ? DType.F32 : DType.parse(declared.dtype());
    if (want == null) {
      throw Tracer.error(ErrorCode.UNKNOWN_NAME, declared.span(), "unknown dtype `" + declared.dtype()
          + "`; use f32, i64 or bool");
    }
    Shape shape = actual.value().shape();
    List<TypeRef.DimRef> dims = declared.dims();
    int variadic = -1;
    for (int i = 0; i < dims.size(); i++) {
      if (dims.get(i) instanceof TypeRef.DimRef.Variadic) {
        variadic = i;
      }
    }
    int fixed = variadic < 0 ? dims.size() : dims.size() - 1;
    int rank = shape.rank();
    if (actual.value().dtype() != want) {
      CheckError err = mismatch(declared, actual, scope, param, result, ErrorCode.DTYPE_MISMATCH,
          "element type " + want + " vs " + actual.value().dtype(), null);
      // A cast fixes the element type only; with the rank wrong too it would not be the whole fix.
      boolean rankFits = variadic < 0 ? rank == fixed : rank >= fixed;
      String x = result ? null : argumentText(at);
      boolean usable = x != null && !at.equals(callSpan) && want != DType.BOOL;
      if (rankFits && usable) {
        throw new CheckError(err.diagnostic().withHelp("convert it: `cast(" + x + ", " + want + ")`"));
      }
      if (variadic < 0 && usable && fitsWithoutLastAxis(dims, shape, scope)) {
        throw new CheckError(err.diagnostic().withHelp("drop the last axis of size 1 and convert: `cast(squeeze(" + x
            + ", -1), " + want + ")`"));
      }
      throw err;
    }
    if (variadic < 0 ? rank != fixed : rank < fixed) {
      CheckError err = mismatch(declared, actual, scope, param, result,
          result ? ErrorCode.RESULT_SHAPE : ErrorCode.SHAPE_MISMATCH,
          "rank " + (variadic < 0 ? "" : "at least ") + fixed + " vs " + rank, null);
      String x = result ? null : argumentText(at);
      if (variadic < 0 && x != null && !at.equals(callSpan) && fitsWithoutLastAxis(dims, shape, scope)) {
        // Labels read as a column ([N, 1]) where one per row ([N]) is declared.
        throw new CheckError(err.diagnostic().withHelp("drop the last axis of size 1: `squeeze(" + x + ", -1)`"));
      }
      throw err;
    }
    int extra = rank - fixed;
    for (int i = 0; i < dims.size(); i++) {
      TypeRef.DimRef d = dims.get(i);
      if (d instanceof TypeRef.DimRef.Variadic v) {
        List<Val> pack = new ArrayList<>();
        for (int k = 0; k < extra; k++) {
          pack.add(new Val.Int(shape.dim(i + k)));
        }
        Val bound = scope.lookup(v.name());
        SameShapeMismatch.Side side = new SameShapeMismatch.Side(param, argumentText(at), dimsOf(pack), at);
        if (bound instanceof Val.ListV l) {
          if (!l.items().equals(pack)) {
            SameShapeMismatch.Side owner = packOwners.get(v.name());
            if (owner != null && !result) {
              throw sameShapeMismatch(new SameShapeMismatch(callee, owner, side), declared, actual, scope);
            }
            throw mismatch(declared, actual, scope, param, result, ErrorCode.SHAPE_MISMATCH,
                "`*" + v.name() + "` is " + dimsText(l.items()) + " but here " + dimsText(pack), null);
          }
        } else {
          scope.define(v.name(), new Val.ListV(pack));
          if (!result) {
            packOwners.put(v.name(), side);
          }
        }
        continue;
      }
      int axis = variadic >= 0 && i > variadic ? i - 1 + extra : i;
      Dim have = shape.dim(axis);
      Expr e = ((TypeRef.DimRef.Of) d).expr();
      if (e instanceof Expr.Name n && scope.lookup(n.name()) == null) {
        if (result) {
          // A new name in a result type would bind to whatever comes out: the declaration checks nothing.
          throw new CheckError(Diagnostic.error(ErrorCode.RESULT_SHAPE, n.span(), "`" + n.name() + "` in the declared "
              + "result of `" + callee + "` is not bound by a parameter, so it would match any size (here " + have + ")")
              .withLabel("not bound").withHelp("declare the size: a symbol the parameter types bind, a hyperparameter, "
                  + "or an expression of them (here it is " + have + ")"));
        }
        scope.define(n.name(), new Val.Int(have)); // first sight of a symbol: bind it
        continue;
      }
      Val w = tracer.eval(e, scope);
      if (!(w instanceof Val.Int wi)) {
        throw Tracer.error(ErrorCode.ARGUMENT_TYPE, e.span(), "a dimension must be an int, got " + w.describe());
      }
      if (!wi.value().equals(have)) {
        String name = e instanceof Expr.Name n ? n.name() : null;
        String what = (name != null ? "dimension `" + name + "`" : "dimension " + (axis + 1))
            + " is " + wi.value() + " but the " + (result ? "result" : "argument") + " has " + have;
        if (!result && flattensTo(shape, wi.value())) {
          // [N, 1, 28, 28] into Linear(784, ...): the fix is flattening, not Linear(28, ...).
          String x = argumentText(at);
          String flat = Shape.of(shape.dim(0), wi.value()).toString();
          CheckError err = mismatch(declared, actual, scope, param, false, ErrorCode.SHAPE_MISMATCH, what, null);
          String edit = x == null || at.equals(callSpan) || x.equals(callee)
              ? "`... |> flatten |> " + callee + "`" : "`" + callee + "(flatten(" + x + "))`";
          throw new CheckError(err.diagnostic().withHelp("flatten the input to " + flat + " first: " + edit
              + " (or a `Flatten()` layer before `" + callee + "`)"));
        }
        throw mismatch(declared, actual, scope, param, result, result ? ErrorCode.RESULT_SHAPE : ErrorCode.SHAPE_MISMATCH,
            what, name == null ? null : new String[] {name, have.toString()});
      }
    }
  }

  private CheckError mismatch(TypeRef.Tensor declared, Val.Tensor actual, Scope scope, String param, boolean result,
      ErrorCode code, String detail, String[] fix) {
    String expected = expectedText(declared, scope);
    String got = actual.value().type().toString();
    Diagnostic d;
    if (result) {
      d = Diagnostic.error(code, actual.origin(), "`" + callee + "` returns " + got + " but declares " + expected
          + ": " + detail).withLabel("this is " + got).withRelated(declared.span(), "declared " + expected)
          .withHelp("declare what it returns, `-> " + got + "`, or change the computation that produces " + got);
    } else {
      SourceSpan site = layer != null && layer.definedAt().isKnown() && !layer.definedAt().equals(callSpan)
          ? layer.definedAt() : declared.span();
      d = Diagnostic.error(code, callSpan, "`" + callee + "` expects " + expected + " for `" + param + "`, got " + got
          + ": " + detail).withLabel("expects " + expected);
      if (actual.origin() != null && !actual.origin().equals(callSpan)) {
        d = d.withRelated(actual.origin(), "produces " + got);
      }
      d = d.withRelated(site, layer != null ? "`" + callee + "` defined here, expects " + expected : "declared here");
      String help = fixHelp(fix);
      if (help != null) {
        d = d.withHelp(help);
      }
    }
    return new CheckError(d.withBindings(tracer.bindingsFor(List.of(actual.value().type()))));
  }

  /**
   * Whether {@code shape} is the declared (non-variadic) type plus a last axis of size 1: every
   * declared dim already known equals the argument's, and the argument has one more axis, of size 1.
   */
  private boolean fitsWithoutLastAxis(List<TypeRef.DimRef> dims, Shape shape, Scope scope) {
    if (shape.rank() != dims.size() + 1 || !shape.dim(dims.size()).isConstant() || shape.dim(dims.size()).constant() != 1) {
      return false;
    }
    for (int i = 0; i < dims.size(); i++) {
      Expr e = ((TypeRef.DimRef.Of) dims.get(i)).expr();
      if (e instanceof Expr.Name n && scope.lookup(n.name()) == null) {
        continue;
      }
      try {
        if (!(tracer.eval(e, scope) instanceof Val.Int w) || !w.value().equals(shape.dim(i))) {
          return false;
        }
      } catch (CheckError notKnown) {
        return false;
      }
    }
    return true;
  }

  /** Whether every axis after the first together has {@code want} elements (and there are several). */
  private static boolean flattensTo(Shape shape, Dim want) {
    if (shape.rank() < 3 || !want.isConstant()) {
      return false;
    }
    long n = 1;
    for (int i = 1; i < shape.rank(); i++) {
      if (!shape.dim(i).isConstant()) {
        return false;
      }
      n *= shape.dim(i).constant();
    }
    return n == want.constant();
  }

  /** Two arguments declared with one {@code *S} differ: say so in their names, with the fix. */
  private CheckError sameShapeMismatch(SameShapeMismatch m, TypeRef.Tensor declared, Val.Tensor actual, Scope scope) {
    String got = actual.value().type().toString();
    Diagnostic d = Diagnostic.error(ErrorCode.SHAPE_MISMATCH, callSpan, "`" + callee + "` needs `" + m.second().param()
        + "` to have the shape of `" + m.first().param() + "`: " + m.detail())
        .withLabel("`" + m.first().param() + "` and `" + m.second().param() + "` differ");
    d = d.withRelated(m.first().at(), "`" + m.first().param() + "` is " + SameShapeMismatch.dimsText(m.first().dims()));
    d = d.withRelated(m.second().at(), "`" + m.second().param() + "` is " + got);
    d = d.withRelated(declared.span(), "declared " + expectedText(declared, scope) + ", the shape of `"
        + m.first().param() + "`");
    String help = m.help();
    if (help != null) {
      d = d.withHelp(help);
    }
    return new CheckError(d.withBindings(tracer.bindingsFor(List.of(actual.value().type()))));
  }

  /** The source text of an argument when it is short and on one line, else null. */
  private String argumentText(SourceSpan at) {
    SourceFile file = at == null || !at.isKnown() ? null : tracer.source(at.file());
    if (file == null || at.line() != at.endLine()) {
      return null;
    }
    String text = file.slice(at);
    return text.length() > 40 ? null : text;
  }

  private static List<Dim> dimsOf(List<Val> pack) {
    return pack.stream().map(v -> ((Val.Int) v).value()).toList();
  }

  /** "write `Linear(128, 10)`" when the mismatching dim is a hyperparameter passed at the creation site. */
  private String fixHelp(String[] fix) {
    if (fix == null || layer == null) {
      return null;
    }
    SourceSpan arg = layer.argSpans().get(fix[0]);
    SourceFile file = arg == null ? null : tracer.source(arg.file());
    if (file == null || layer.definedAt().line() != arg.line() || layer.definedAt().endLine() != arg.line()) {
      return arg == null ? null : "pass " + fix[1] + " for `" + fix[0] + "` where `" + callee + "` is created";
    }
    String call = file.slice(layer.definedAt());
    int from = arg.column() - layer.definedAt().column();
    int to = arg.endColumn() - layer.definedAt().column();
    if (from < 0 || to > call.length()) {
      return null;
    }
    return "write `" + call.substring(0, from) + fix[1] + call.substring(to) + "`";
  }

  /** The declared type with known names replaced by their values: {@code [*B, 256]}. */
  private String expectedText(TypeRef.Tensor declared, Scope scope) {
    List<String> parts = new ArrayList<>();
    for (TypeRef.DimRef d : declared.dims()) {
      if (d instanceof TypeRef.DimRef.Variadic v) {
        parts.add("*" + v.name());
        continue;
      }
      Expr e = ((TypeRef.DimRef.Of) d).expr();
      String text = e instanceof Expr.Name n ? n.name() : "?";
      try {
        Val w = e instanceof Expr.Name n && scope.lookup(n.name()) == null ? null : tracer.eval(e, scope);
        if (w instanceof Val.Int i) {
          text = i.value().toString();
        }
      } catch (CheckError ignored) {
        // keep the written name
      }
      parts.add(text);
    }
    String dtype = declared.dtype() == null || declared.dtype().equals("f32") ? "" : declared.dtype();
    return dtype + "[" + String.join(", ", parts) + "]";
  }

  private static String dimsText(List<Val> dims) {
    return "[" + String.join(", ", dims.stream().map(v -> ((Val.Int) v).value().toString()).toList()) + "]";
  }

  /** Checks a non-tensor argument against a named type ({@code int}, {@code float}, ...), converting int to float. */
  static Val checkKind(TypeRef type, Val v, SourceSpan at, String owner, String param) throws CheckError {
    if (!(type instanceof TypeRef.Named n)) {
      return v;
    }
    String want = n.name();
    boolean ok = switch (want) {
      case "int" -> v instanceof Val.Int;
      case "float" -> v instanceof Val.Float || v instanceof Val.Int i && i.value().isConstant();
      case "bool" -> v instanceof Val.Bool;
      case "string" -> v instanceof Val.Str;
      case "init" -> v instanceof Val.Init;
      case "list" -> v instanceof Val.ListV;
      case "size" -> v instanceof Val.Int || v instanceof Val.ListV l && l.items().stream().allMatch(x -> x instanceof Val.Int);
      case "padding" -> v instanceof Val.Int || v instanceof Val.Str
          || v instanceof Val.ListV l && l.items().stream().allMatch(x -> x instanceof Val.Int);
      case "tensor" -> v instanceof Val.Tensor;
      default -> true; // layer names and other types are checked where they are used
    };
    if (!ok) {
      String wanted = switch (want) {
        case "size" -> "an int or a list of ints";
        case "padding" -> "an int, a list of ints, \"same\" or \"valid\"";
        default -> article(want);
      };
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_TYPE, at,
          "`" + owner + "` needs " + wanted + " for `" + param + "`, got " + v.describe())
          .withLabel("expected " + wanted));
    }
    if (want.equals("float") && v instanceof Val.Int i) {
      return new Val.Float(i.value().constant());
    }
    return v;
  }

  private static String article(String type) {
    return (type.matches("[aeiou].*") ? "an " : "a ") + type;
  }
}
