package dev.nnet.front;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Program;
import dev.nnet.grammar.NNetLexer;
import dev.nnet.grammar.NNetParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Parses one .nnet file into an AST plus syntax diagnostics; never throws on bad input.
 *
 * <p>Two stages, as ANTLR recommends for speed: first with SLL prediction (which ignores the
 * actual call stack, so what it learns holds in every context and is cached) and no error
 * recovery, with the one decision that would still look far ahead made by
 * {@link OperatorLoopSimulator}; only if that fails —
 * a syntax error, or the rare input that SLL cannot decide — again from the start with full LL
 * prediction and recovery, which reports every error. Expressions nesting deeper than
 * {@link NestingTooDeep#MAX_EXPRESSION_DEPTH} levels are an NNET0002 error, and parsing stops after
 * {@link TooManySyntaxErrors#LIMIT} syntax errors.
 */
public final class Parser {
  private Parser() {}

  /** The AST (possibly partial) and the syntax errors of one file. */
  public record Result(Program program, List<Diagnostic> diagnostics) {}

  public static Result parse(SourceFile source) {
    SyntaxErrorReporter errors = new SyntaxErrorReporter(source.path());
    PredictionCache cache = PredictionCache.acquire();
    NNetLexer lexer = new NNetLexer(CharStreams.fromString(source.text(), source.path()));
    cache.install(lexer);
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    DepthLimitedParser parser = new DepthLimitedParser(tokens, source.path());
    cache.install(parser);
    try {
      tokens.fill(); // lex once, so lexer errors are reported once whichever stage parses
      NNetParser.ProgramContext tree = parseTwoStage(parser, tokens, errors);
      AstBuilder builder = new AstBuilder(source.path());
      Program program = builder.program(tree);
      List<Diagnostic> all = new ArrayList<>(errors.diagnostics());
      all.addAll(builder.diagnostics()); // literals out of range: the grammar accepts any digits
      return new Result(program, List.copyOf(all));
    } catch (NestingTooDeep e) {
      return stopped(source, errors, e.diagnostic());
    } catch (TooManySyntaxErrors e) {
      return stopped(source, errors, e.diagnostic());
    }
  }

  /** The errors so far and why parsing stopped, with an empty program: nothing more is checked. */
  private static Result stopped(SourceFile source, SyntaxErrorReporter errors, Diagnostic why) {
    List<Diagnostic> diags = new ArrayList<>(errors.diagnostics());
    diags.add(why);
    return new Result(new Program(source.path(), List.of(), List.of()), List.copyOf(diags));
  }

  private static NNetParser.ProgramContext parseTwoStage(DepthLimitedParser parser, CommonTokenStream tokens,
      SyntaxErrorReporter errors) {
    parser.removeErrorListeners();
    parser.setErrorHandler(new BailErrorStrategy());
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    try {
      return parser.program();
    } catch (ParseCancellationException e) {
      tokens.seek(0);
      parser.reset();
      parser.addErrorListener(errors);
      parser.setErrorHandler(new DefaultErrorStrategy());
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      return parser.program();
    }
  }
}
