package dev.nnet.front;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Program;
import dev.nnet.grammar.NNetLexer;
import dev.nnet.grammar.NNetParser;
import dev.nnet.ir.SourceSpan;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** Parses one .nnet file into an AST plus syntax diagnostics; never throws on bad input. */
public final class Parser {
  private Parser() {}

  /** The AST (possibly partial) and the syntax errors of one file. */
  public record Result(Program program, List<Diagnostic> diagnostics) {}

  public static Result parse(SourceFile source) {
    SyntaxErrorReporter errors = new SyntaxErrorReporter(source.path());
    try {
      NNetLexer lexer = new NNetLexer(CharStreams.fromString(source.text(), source.path()));
      lexer.removeErrorListeners();
      lexer.addErrorListener(errors);
      NNetParser parser = new NNetParser(new CommonTokenStream(lexer));
      parser.removeErrorListeners();
      parser.addErrorListener(errors);
      NNetParser.ProgramContext tree = parser.program();
      AstBuilder builder = new AstBuilder(source.path());
      Program program = builder.program(tree);
      List<Diagnostic> all = new java.util.ArrayList<>(errors.diagnostics());
      all.addAll(builder.diagnostics());
      return new Result(program, List.copyOf(all));
    } catch (StackOverflowError e) {
      // Pathologically deep nesting; report it rather than crash.
      Diagnostic d = Diagnostic.error(ErrorCode.SYNTAX, new SourceSpan(source.path(), 1, 1, 1, 2),
          "expressions are nested too deeply to parse").withHelp("split the expression with `let`");
      return new Result(new Program(source.path(), List.of(), List.of()), List.of(d));
    }
  }
}
