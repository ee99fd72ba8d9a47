package dev.nnet.driver;

import dev.nnet.check.LayerInstance;
import dev.nnet.check.ProgramCheck;
import dev.nnet.check.TrainingPlan;
import dev.nnet.check.TypeIndex;
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
 * The compiler as a library: {@code check(source)} parses a file, resolves its names against the
 * built-ins and the standard library, checks every model it can instantiate, and lowers every
 * {@code train} block to a {@link TrainingPlan}. It never throws on bad input and keeps no global
 * mutable state, so the CLI, the language server and the Maven plugin are thin shells around it.
 */
public final class Compiler {
  private static final String[] STDLIB = {"std/nn.nnet"};

  /**
   * The standard library, read and parsed once per process: it never changes while running, and
   * an editor checks on every keystroke. Sources, ASTs and diagnostics are immutable values.
   */
  private static final class ParsedStdlib {
    static final List<SourceFile> FILES = java.util.Arrays.stream(STDLIB).map(Compiler::stdlibSource).toList();
    static final List<Parser.Result> PARSED = FILES.stream().map(Parser::parse).toList();
  }

  private Compiler() {}

  /**
   * The outcome of checking one file: diagnostics; the models checked on their own (each with its
   * traced forward graph, {@link LayerInstance#traced()}); a plan for each {@code train} block; and,
   * when asked for, what each span of the file evaluated to ({@link TypeIndex#EMPTY} otherwise).
   */
  public record Result(
      SourceFile file,
      Program program,
      List<Diagnostic> diagnostics,
      List<LayerInstance> models,
      List<TrainingPlan> plans,
      Map<String, SourceFile> sources,
      TypeIndex types) {

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  /**
   * How much a check does. No check reads data: a {@code train} block's data is described by its
   * {@link TrainingPlan#data()} and loaded by {@link dev.nnet.check.DataLoader} when training runs.
   *
   * @param lowerTraining lower {@code train} blocks to plans (shapes, gradients, optimizer)
   * @param recordTypes keep what each span evaluated to in {@link Result#types()}; for editors
   */
  public record Options(boolean lowerTraining, boolean recordTypes) {
    /** What an editor wants on every keystroke: train blocks checked too, types for hover and hints. */
    public static final Options EDITOR = new Options(true, true);
  }

  /** Checks {@code file} and lowers its train blocks. */
  public static Result check(SourceFile file) {
    return check(file, true);
  }

  /** Checks {@code file}; with {@code lowerTraining} false, train blocks are skipped. */
  public static Result check(SourceFile file, boolean lowerTraining) {
    return check(file, new Options(lowerTraining, false));
  }

  /** Checks {@code file} as {@code options} say; a compiler bug becomes an NNET0901 diagnostic. */
  public static Result check(SourceFile file, Options options) {
    try {
      return checkUnguarded(file, options);
    } catch (RuntimeException | StackOverflowError e) {
      // A bug in the compiler must still give the user a located message, never a stack trace.
      return failed(file, Diagnostic.error(ErrorCode.INTERNAL, new SourceSpan(file.path(), 1, 1, 1, 1),
          "internal compiler error: " + e).withHelp("please report this with the file that caused it"));
    } catch (OutOfMemoryError e) {
      // What the check held is garbage once we unwind, so there is memory again to report it.
      return failed(file, Diagnostic.error(ErrorCode.INTERNAL, new SourceSpan(file.path(), 1, 1, 1, 1),
          "internal compiler error: checking this file ran out of memory")
          .withHelp("please report this with the file that caused it; running java with a larger heap (`-Xmx4g`) may get past it"));
    }
  }

  private static Result failed(SourceFile file, Diagnostic d) {
    return new Result(file, new Program(file.path(), List.of(), List.of()), List.of(d), List.of(), List.of(),
        Map.of(file.path(), file), TypeIndex.EMPTY);
  }

  private static Result checkUnguarded(SourceFile file, Options options) {
    Parser.Result parsed = Parser.parse(file);
    ProgramCheck.Outcome o = ProgramCheck.run(file, parsed, ParsedStdlib.FILES, ParsedStdlib.PARSED,
        options.lowerTraining(), options.recordTypes());
    return new Result(file, parsed.program(), o.diagnostics(), o.models(), o.plans(), o.sources(), o.types());
  }

  /** The text of a standard-library file, from the class path. */
  static SourceFile stdlibSource(String resource) {
    try (InputStream in = Compiler.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the standard library is missing from the class path: " + resource);
      }
      return new SourceFile(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names the built-ins define, for completion and documentation. */
  public static List<String> builtinNames() {
    return ProgramCheck.builtinNames();
  }

}
