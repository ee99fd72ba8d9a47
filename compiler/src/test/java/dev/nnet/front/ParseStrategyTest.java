package dev.nnet.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Program;
import dev.nnet.grammar.NNetLexer;
import dev.nnet.grammar.NNetParser;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.junit.jupiter.api.Test;

/**
 * The fast parsing strategy (SLL first, the operator decision made from the next token, a depth
 * limit) builds exactly the AST that ANTLR's own full-LL parse of the same grammar builds, on every
 * program in the repository and on snippets where the greedy operator decision matters.
 */
class ParseStrategyTest {
  private static final List<String> SNIPPETS = List.of(
      "fn f(x) {\n  let a = x\n  (a, a)\n}\n",
      "fn f(x) {\n  let a = x\n  [a, a]\n}\n",
      "fn f(x) {\n  x\n  -x\n}\n",
      "fn f(x) = (x, )\nfn g(x) = ((x))\nfn h(x) = (x, x, x,)\n",
      "fn f(x) = x[1..3, ..2, 4.., .., ..., 0, -1, 1..-1, (0..2)]\n",
      "fn f(x) = -x ** 2 ** 3 - -2 * x |> relu |> g(1) . h\n",
      "fn f(x) = if not x and x or x == 1 then x..3 else x[0] + 1 < 2\n",
      "model M() {\n  a = Linear(1, 2)\n  (x)\n}\n",
      "let a = f(x = 1, y = g(2)[0].b, 3,)(4)[5]\n");

  @Test
  void buildsTheAstThatFullLlBuildsOnEveryProgram() throws IOException {
    List<SourceFile> files = new ArrayList<>();
    for (String dir : List.of("../examples", "src/test/resources/fixtures")) {
      try (Stream<Path> paths = Files.walk(Path.of(dir))) {
        for (Path p : paths.filter(q -> q.toString().endsWith(".nnet")).sorted().toList()) {
          files.add(new SourceFile(p.toString(), Files.readString(p)));
        }
      }
    }
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("std/nn.nnet")) {
      files.add(new SourceFile("std/nn.nnet", new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
    for (int i = 0; i < SNIPPETS.size(); i++) {
      files.add(new SourceFile("snippet" + i + ".nnet", SNIPPETS.get(i)));
    }
    assertTrue(files.size() > 20, "found only " + files.size() + " programs");
    int compared = 0;
    for (SourceFile f : files) {
      Parser.Result ours = Parser.parse(f);
      List<String> errors = new ArrayList<>();
      Program reference = fullLl(f, errors);
      // Error recovery may differ after a syntax error; both must see one. (Literals out of range
      // are the AST builder's errors, not the parser's: they do not count here.)
      List<Diagnostic> syntax = ours.diagnostics().stream().filter(d -> d.code() != ErrorCode.INTEGER_OVERFLOW).toList();
      assertEquals(errors.isEmpty(), syntax.isEmpty(), f.path() + ": " + errors + " / " + syntax);
      if (errors.isEmpty()) {
        assertEquals(reference, ours.program(), f.path());
        compared++;
      }
    }
    assertTrue(compared > 20, "compared only " + compared);
  }

  @Test
  void theOperatorTableIsReadFromTheGrammar() {
    // call, index, member, `**`, `* / % @`, `+ -`, `..`, comparisons, `and`, `or`, `|>`
    assertEquals(11, OperatorLoopSimulator.operatorAlternatives());
  }

  @Test
  void nestingBeyondTheLimitIsOneDiagnosticAtTheExpression() {
    int depth = NestingTooDeep.MAX_EXPRESSION_DEPTH + 1;
    for (String text : List.of(PathologicalPrograms.nestedCalls(depth), PathologicalPrograms.nestedParentheses(depth),
        sum(depth + 1), PathologicalPrograms.nestedCalls(100_000))) {
      var result = Parser.parse(new SourceFile("deep.nnet", text));
      assertEquals(1, result.diagnostics().size(), text.substring(0, 40));
      var d = result.diagnostics().get(0);
      assertEquals(ErrorCode.NESTING_TOO_DEEP, d.code());
      assertEquals(1, d.span().line());
      assertTrue(d.span().column() >= 9, "at the expression, not the file start: " + d.span());
    }
  }

  @Test
  void nestingUpToTheLimitParses() {
    int depth = NestingTooDeep.MAX_EXPRESSION_DEPTH - 1; // the `let`'s expression is one level itself
    for (String text : List.of(PathologicalPrograms.nestedCalls(depth), PathologicalPrograms.nestedParentheses(depth),
        sum(depth))) {
      var result = Parser.parse(new SourceFile("deep.nnet", text));
      assertEquals(List.of(), result.diagnostics(), text.substring(0, 40));
      assertEquals(1, result.program().decls().size());
    }
  }

  @Test
  void thePredictionCacheIsReplacedWhenFull() {
    Parser.parse(new SourceFile("a.nnet", PathologicalPrograms.longExpression(50)));
    assertTrue(PredictionCache.currentEntries() > 0);
    PredictionCache full = PredictionCache.acquire();
    assertTrue(full != PredictionCache.acquire(0), "a cache over the bound is replaced");
    assertTrue(PredictionCache.currentEntries() == 0, "by an empty one");
  }

  /** {@code 1 + 1 + ... + 1}: a left-leaning tree {@code terms - 1} levels deep. */
  private static String sum(int terms) {
    return "let a = " + "1 + ".repeat(terms - 1) + "1\n";
  }

  private static Program fullLl(SourceFile f, List<String> errors) {
    var listener = new org.antlr.v4.runtime.BaseErrorListener() {
      @Override
      public void syntaxError(org.antlr.v4.runtime.Recognizer<?, ?> r, Object symbol, int line, int col, String msg,
          org.antlr.v4.runtime.RecognitionException e) {
        errors.add(line + ":" + col + " " + msg);
      }
    };
    NNetLexer lexer = new NNetLexer(CharStreams.fromString(f.text(), f.path()));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    NNetParser parser = new NNetParser(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    parser.getInterpreter().setPredictionMode(PredictionMode.LL_EXACT_AMBIG_DETECTION);
    NNetParser.ProgramContext tree = parser.program();
    try {
      return new AstBuilder(f.path()).program(tree);
    } catch (NestingTooDeep e) {
      errors.add(e.diagnostic().message());
      return null;
    }
  }
}
