package dev.nnet.check;

import dev.nnet.driver.Compiler;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.Parser;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Import;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.Program;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.ir.Dim;
import dev.nnet.ir.DType;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checker's entry point: given a parsed file and the parsed standard library, resolves names,
 * traces every model that can be checked alone, lowers data declarations and train blocks, and
 * collects the diagnostics. The driver ({@code dev.nnet.driver.Compiler}) parses, guards against
 * compiler bugs and assembles the result; everything here is the checking itself.
 */
public final class ProgramCheck {
  private ProgramCheck() {}

  /** What checking a file produced (see {@code Compiler.Result}, which adds the file and its AST). */
  public record Outcome(List<Diagnostic> diagnostics, List<LayerInstance> models, List<TrainingPlan> plans,
      Map<String, SourceFile> sources, TypeIndex types) {}

  /**
   * Checks a parsed file against the built-ins and the parsed standard library: names, every model
   * that can be checked alone, every data declaration and (with {@code lowerTraining}) every train
   * block. Throws only on a bug in the compiler; bad input becomes diagnostics.
   */
  public static Outcome run(SourceFile file, Parser.Result parsed, List<SourceFile> stdlibFiles,
      List<Parser.Result> stdlibParsed, boolean lowerTraining, boolean recordTypes) {
    TypeIndex types = recordTypes ? TypeIndex.recording(file.path()) : TypeIndex.EMPTY;
    List<Diagnostic> diags = new ArrayList<>();
    Map<String, SourceFile> sources = new LinkedHashMap<>();
    sources.put(file.path(), file);
    diags.addAll(parsed.diagnostics());
    Program program = parsed.program();

    Scope prelude = Builtins.prelude();
    Scope std = new Scope(prelude);
    for (int i = 0; i < stdlibFiles.size(); i++) {
      SourceFile stdFile = stdlibFiles.get(i);
      sources.put(stdFile.path(), stdFile);
      Parser.Result r = stdlibParsed.get(i);
      diags.addAll(r.diagnostics());
      defineDecls(r.program(), std, new Tracer(new GraphBuilder(), false, sources), diags);
    }
    Scope globals = new Scope(std);
    for (Import im : program.imports()) {
      checkImport(im, std, diags);
    }
    Lints lints = new Lints();
    IntOrigins intOrigins = new IntOrigins();
    Tracer scratch = new Tracer(new GraphBuilder(), false, sources, lints, types, intOrigins);
    defineDecls(program, globals, scratch, diags);

    List<LayerInstance> models = new ArrayList<>();
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Layer layer && canCheckAlone(layer)) {
        try {
          models.add(traceAlone(layer, globals, sources, new GraphBuilder(), lints, types, intOrigins));
        } catch (CheckError e) {
          addReported(diags, e);
        }
      }
    }
    List<TrainingPlan> plans = new ArrayList<>();
    if (lowerTraining && diags.stream().noneMatch(Diagnostic::isError)) {
      // Every data declaration is checked once, used or not; reading its files is left to training.
      Map<String, DataPlan> data = new LinkedHashMap<>();
      for (Decl d : program.decls()) {
        if (d instanceof Decl.Data decl) {
          try {
            data.put(decl.name(), DataLowering.lower(decl, globals, new Tracer(new GraphBuilder(), false, sources),
                sources, lints, types));
          } catch (CheckError e) {
            addReported(diags, e);
            data.put(decl.name(), null);
          }
        }
      }
      for (Decl d : program.decls()) {
        if (d instanceof Decl.Train train) {
          try {
            plans.add(lowerTrain(train, data, globals, sources, lints, types, intOrigins));
          } catch (CheckError e) {
            addReported(diags, e);
          } catch (dev.nnet.ir.LeafNameTaken e) {
            // The step's inputs (data fields, `lr`, `epoch`, `step`) are created after the model's parameters.
            diags.add(Diagnostic.error(ErrorCode.DUPLICATE_NAME, train.nameSpan(), "the model has a parameter named `"
                    + e.name() + "`, which is also an input of the training step")
                .withHelp("rename the parameter `" + e.name() + "` (the data fields, `lr`, `epoch` and `step` are inputs)"));
          }
        }
      }
    }
    diags.addAll(lints.all());
    return new Outcome(List.copyOf(diags), models, plans, sources, types);
  }

  private static TrainingPlan lowerTrain(Decl.Train train, Map<String, DataPlan> data, Scope globals,
      Map<String, SourceFile> sources, Lints lints, TypeIndex types, IntOrigins intOrigins) throws CheckError {
    if (!data.containsKey(train.data())) {
      throw new CheckError(Diagnostic.error(ErrorCode.UNKNOWN_NAME, train.dataSpan(),
          "no data set named `" + train.data() + "`").withHelp("declare it with `data " + train.data() + " = csv(\"...\") { ... }`"));
    }
    DataPlan plan = data.get(train.data());
    if (plan == null) {
      throw CheckError.alreadyReported(); // the data declaration's own error says why
    }
    return TrainingLowering.lower(train, globals, plan, sources, lints, types, intOrigins);
  }

  private static void addReported(List<Diagnostic> diags, CheckError e) {
    if (e.diagnostic() != null) {
      diags.add(e.diagnostic());
    }
  }

  /** Defines each layer, function and let of a file in {@code scope}, reporting duplicates. */
  private static void defineDecls(Program program, Scope scope, Tracer tracer, List<Diagnostic> diags) {
    Map<String, Decl> seen = new LinkedHashMap<>();
    Decl.Train firstTrain = null;
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Train train && firstTrain != null) {
        // `nnet train`, `eval` and `predict` run a file's train block; a second one would be ignored.
        diags.add(Diagnostic.error(ErrorCode.TRAIN_SETTING, train.nameSpan(), "a second `train` block in one file")
            .withLabel("second train block").withRelated(firstTrain.nameSpan(), "the file's train block")
            .withHelp("move it to a file of its own: `nnet train FILE` runs the one train block of FILE"));
        continue;
      }
      if (d instanceof Decl.Train train) {
        firstTrain = train;
        continue;
      }
      Decl prev = seen.put(d.name(), d);
      if (prev != null) {
        diags.add(Diagnostic.error(ErrorCode.DUPLICATE_NAME, d.nameSpan(), "`" + d.name() + "` is defined twice")
            .withLabel("second definition").withRelated(prev.nameSpan(), "first defined here")
            .withHelp("rename one of them"));
        continue;
      }
      try {
        if (d instanceof Decl.Layer l) {
          scope.define(l.name(), new Val.LayerDef(l, scope));
        } else if (d instanceof Decl.Fn f) {
          scope.define(f.name(), new Val.Fn(f.fn(), scope));
        } else if (d instanceof Decl.Let let) {
          scope.define(let.name(), tracer.eval(let.value(), scope));
        }
      } catch (CheckError e) {
        addReported(diags, e);
      }
    }
  }

  private static void checkImport(Import im, Scope std, List<Diagnostic> diags) {
    if (!im.module().equals("std.nn") && !im.module().equals("std")) {
      diags.add(Diagnostic.error(ErrorCode.UNKNOWN_MODULE, im.span(), "unknown module `" + im.module() + "`")
          .withHelp("the standard library is `std.nn`; it is imported by default"));
      return;
    }
    for (String n : im.names()) {
      if (std.lookup(n) == null) {
        String s = NameSuggester.closest(n, std.visibleNames());
        Diagnostic d = Diagnostic.error(ErrorCode.UNKNOWN_NAME, im.span(), "`" + im.module() + "` has no `" + n + "`");
        diags.add(s == null ? d : d.withHelp("did you mean `" + s + "`?"));
      }
    }
  }

  /** A layer can be checked on its own when every hyperparameter has a default and forward has typed inputs. */
  private static boolean canCheckAlone(Decl.Layer layer) {
    Member.Forward f = layer.forward();
    return f != null && layer.params().stream().allMatch(p -> p.defaultValue() != null)
        && f.fn().params().stream().allMatch(p -> p.type() instanceof TypeRef.Tensor || p.defaultValue() != null);
  }

  /** Instantiates a layer with its defaults and traces its forward on symbolic inputs. */
  private static LayerInstance traceAlone(Decl.Layer layer, Scope globals, Map<String, SourceFile> sources,
      GraphBuilder g, Lints lints, TypeIndex types, IntOrigins intOrigins) throws CheckError {
    Tracer tracer = new Tracer(g, false, sources, lints, types, intOrigins);
    LayerInstance inst = tracer.instantiate(new Val.LayerDef(layer, globals), new Args(layer.name(), layer.nameSpan()),
        layer.nameSpan());
    Member.FnDecl fwd = layer.forward().fn();
    Args args = new Args(layer.name(), fwd.nameSpan());
    for (Member.FnDecl.Param p : fwd.params()) {
      if (p.type() instanceof TypeRef.Tensor t) {
        if (inst.params().stream().anyMatch(spec -> spec.name().equals(p.name()))) {
          // Inputs and parameters are fed by name, so one name cannot be both (found by fuzzing).
          SourceSpan declared = inst.paramSpans().get(p.name());
          Diagnostic d = Diagnostic.error(ErrorCode.DUPLICATE_NAME, p.span(),
                  "`" + p.name() + "` is both an input of `forward` and a parameter of `" + layer.name() + "`")
              .withLabel("input named like a parameter").withHelp("rename the input or the parameter");
          throw new CheckError(declared == null ? d : d.withRelated(declared, "parameter declared here"));
        }
        TensorType type = symbolicType(t, inst.scope(), tracer, fwd, p);
        GraphBuilder.Value input;
        try {
          input = g.input(p.name(), type, p.span());
        } catch (dev.nnet.ir.LeafNameTaken e) {
          // A layer passed as an argument has no field to be named after, so its parameters take
          // their own names (`weight`, `b`) at the top, where an input can meet them (found by fuzzing).
          throw new CheckError(Diagnostic.error(ErrorCode.DUPLICATE_NAME, p.span(), "`" + p.name()
                  + "` is both an input of `forward` and the name of a parameter of a layer `" + layer.name() + "` holds")
              .withLabel("input named like a parameter")
              .withHelp("rename the input, or give the layer a field of its own (`inner = Linear(...)`) so that its "
                  + "parameters are named `inner.weight`, `inner.b`"));
        }
        args.add(null, new Val.Tensor(input, p.span()), p.span());
      }
    }
    Val out = tracer.callLayer(inst, args, fwd.nameSpan());
    if (out instanceof Val.Tensor t) {
      g.output("forward", t.value());
      inst.setTraced(g.build());
    }
    return inst;
  }

  /** The type of a model input: names not bound in scope become dimension symbols. */
  static TensorType symbolicType(TypeRef.Tensor t, Scope scope, Tracer tracer, Member.FnDecl fn, Member.FnDecl.Param p)
      throws CheckError {
    DType dtype = t.dtype() == null ? DType.F32 : DType.parse(t.dtype());
    if (dtype == null) {
      throw Tracer.error(ErrorCode.UNKNOWN_NAME, t.span(), "unknown dtype `" + t.dtype() + "`; use f32, i64 or bool");
    }
    List<Dim> dims = new ArrayList<>();
    for (TypeRef.DimRef d : t.dims()) {
      if (d instanceof TypeRef.DimRef.Variadic v) {
        dims.add(Dim.symbol(v.name())); // one leading dim stands for the group when checking alone
        tracer.noteSymbol(v.name(), "leading dims of `" + p.name() + "` (from `" + fn.name() + "`, line " + p.span().line() + ")");
        continue;
      }
      Expr e = ((TypeRef.DimRef.Of) d).expr();
      if (e instanceof Expr.Name n && scope.lookup(n.name()) == null) {
        dims.add(Dim.symbol(n.name()));
        tracer.noteSymbol(n.name(), (n.name().equals("N") || n.name().equals("B") ? "batch size" : "a size")
            + " (from `" + p.name() + ": " + typeText(t) + "` in `" + fn.name() + "`, line " + p.span().line() + ")");
        continue;
      }
      Val v = tracer.eval(e, scope);
      if (!(v instanceof Val.Int i)) {
        throw Tracer.error(ErrorCode.ARGUMENT_TYPE, e.span(), "a dimension must be an int, got " + v.describe());
      }
      dims.add(i.value());
    }
    return new TensorType(dtype, new Shape(dims));
  }

  private static String typeText(TypeRef.Tensor t) {
    StringBuilder sb = new StringBuilder(t.dtype() == null ? "" : t.dtype()).append('[');
    for (int i = 0; i < t.dims().size(); i++) {
      TypeRef.DimRef d = t.dims().get(i);
      sb.append(i == 0 ? "" : ", ");
      if (d instanceof TypeRef.DimRef.Variadic v) {
        sb.append('*').append(v.name());
      } else {
        Expr e = ((TypeRef.DimRef.Of) d).expr();
        sb.append(e instanceof Expr.Name n ? n.name() : e instanceof Expr.IntLit l ? String.valueOf(l.value()) : "...");
      }
    }
    return sb.append(']').toString();
  }

  /** The names the built-ins define, for completion and documentation. */
  public static List<String> builtinNames() {
    return Builtins.names();
  }
}
