package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.front.PathologicalPrograms;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inputs of issue #9 item 7 that crashed the front end or ran for seconds, each reported as a
 * diagnostic at the right place. (Their timings are measured by {@code bench/front_stress.sh}, not here.)
 */
class PathologicalInputsTest {
  @Test
  void deepNestedCallsAreNestingTooDeep() {
    for (String text : List.of(PathologicalPrograms.nestedCalls(8_000), PathologicalPrograms.nestedParentheses(20_000),
        PathologicalPrograms.nestedCallsWithArguments(6_000), PathologicalPrograms.longExpression(20_000))) {
      List<Diagnostic> diags = check(text);
      assertEquals(List.of(ErrorCode.NESTING_TOO_DEEP), diags.stream().map(Diagnostic::code).toList(),
          text.substring(0, 60));
    }
  }

  @Test
  void aSymbolicProductTooLargeToExpandIsAnInvalidValueAtTheProduct() {
    List<Diagnostic> diags = check(PathologicalPrograms.symbolicProduct(20));
    assertEquals(1, diags.size(), diags.toString());
    assertEquals(ErrorCode.INVALID_VALUE, diags.get(0).code());
    assertTrue(diags.get(0).message().contains("more than 4096 terms"), diags.get(0).message());
    assertEquals(3, diags.get(0).span().line(), "at the `let` computing the product");
  }

  @Test
  void aSymbolicProductOfModestSizeStillChecks() {
    assertEquals(List.of(), check(PathologicalPrograms.symbolicProduct(10)), "2^10 = 1024 terms are fine");
  }

  @Test
  void aSizeOverflowingSixtyFourBitsIsAnIntegerOverflow() {
    // Found by the long fuzzing run (seed 20261201, input 8569): it wrapped around silently.
    StringBuilder product = new StringBuilder("N");
    for (int i = 0; i < 40; i++) {
      product.append(" * (N + ").append(i).append(')');
    }
    List<Diagnostic> diags = check("model M() {\n  forward(x: [N, 4]) = " + product + "\n}\n");
    assertEquals(List.of(ErrorCode.INTEGER_OVERFLOW), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertTrue(diags.get(0).message().contains("overflows"), diags.get(0).message());
  }

  @Test
  void reshapeWithAZeroDimensionAndAnInferredOneIsAnInvalidValue() {
    List<Diagnostic> diags = check(PathologicalPrograms.reshapeWithZero());
    assertEquals(1, diags.size(), diags.toString());
    assertEquals(ErrorCode.INVALID_VALUE, diags.get(0).code());
    assertTrue(diags.get(0).message().contains("cannot infer -1 when another dimension is 0"));
  }

  @Test
  void anOperatorWhereALetNameBelongsIsASyntaxErrorOnly() {
    List<Diagnostic> diags = check(PathologicalPrograms.operatorAsLetName());
    assertEquals(List.of(ErrorCode.SYNTAX, ErrorCode.SYNTAX), diags.stream().map(Diagnostic::code).toList(),
        diags.toString());
    assertEquals(List.of(1, 4), diags.stream().map(d -> d.span().line()).toList());
  }

  @Test
  void recoveredMissingNamesAreNotDuplicates() {
    List<Diagnostic> diags = check(PathologicalPrograms.manySyntaxErrors(50));
    assertEquals(50, diags.size());
    assertTrue(diags.stream().allMatch(d -> d.code() == ErrorCode.SYNTAX), diags.get(diags.size() - 1).toString());
  }

  @Test
  void deepIndexingInATypeIsNestingTooDeep() {
    // Found by the long fuzzing run (seed 20261201, input 25383): over 1 s before typeRef was left-factored.
    String text = "model G(noise: i" + "x[".repeat(3000) + "]".repeat(3000) + ") {\n}\n";
    assertEquals(List.of(ErrorCode.NESTING_TOO_DEEP), check(text).stream().map(Diagnostic::code).toList());
  }

  @Test
  void aTensorLiteralWithANumberBesideARowIsAnInvalidValue() {
    // Found by the long fuzzing run (seed 20261201, input 28366): an internal error before.
    List<Diagnostic> diags = check("fn f() = tensor([1.0, [1.0, 1.0]])\nmodel M() {\n  forward(x: [N]) = f()\n}\n");
    assertEquals(List.of(ErrorCode.INVALID_VALUE), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertTrue(diags.get(0).message().contains("nested equally deep"), diags.get(0).message());
  }

  @Test
  void anInputNamedLikeAParameterIsADuplicateName() {
    // Found by the long fuzzing run (seed 20261201, input 64791): an internal error before.
    List<Diagnostic> diags = check("model M() {\n  param x: [4] = zeros\n  forward(x: [N, 4]) = x\n}\n");
    assertEquals(List.of(ErrorCode.DUPLICATE_NAME), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertEquals(3, diags.get(0).span().line());
    assertTrue(diags.get(0).message().contains("`x` is both an input of `forward` and a parameter of `M`"));
  }

  @Test
  void anInputNamedLikeAParameterOfALayerPassedAsAnArgumentIsADuplicateName() {
    // Found by the long fuzzing run (seed 20261201, input 870666): an internal error before.
    List<Diagnostic> diags = check("model Outer(inner: Linear = Linear(4, 4)) {\n  forward(a: [5, N], b: [5, 2]) = a @ b\n}\n");
    assertEquals(List.of(ErrorCode.DUPLICATE_NAME), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertEquals(2, diags.get(0).span().line());
    assertTrue(diags.get(0).message().contains("`b` is both an input of `forward` and the name of a parameter"),
        diags.get(0).message());
  }

  @Test
  void aListRangePastTheEndIsEmptyAsInPython() {
    // Found by the long fuzzing run (seed 20261201, inputs 857275 and 912952): an internal error before.
    List<Diagnostic> diags = check("""
        model M() {
          forward(x: [N, 4]) -> [N, 4] =
            reshape(x, x.shape[-9..1200]) * fill(x.shape[100..1200], 1.0) * fill(x.shape[2..1], 2.0)
        }
        """);
    assertTrue(diags.isEmpty(), diags.toString());
  }

  @Test
  void theByteCountOfTheLargestParameterDoesNotOverflow() {
    // Found by the long fuzzing run (seed 20261201, input 19770 and 7 more): an internal error before.
    List<Diagnostic> diags = check("model M() {\n  param s: [9223372036854775807] = ones\n  forward(x: [N, 4]) = x * s[0]\n}\n");
    assertEquals(List.of(ErrorCode.TOO_LARGE), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertTrue(diags.get(0).message().contains("36,893,488,147,419,103,228 bytes"), diags.get(0).message());
  }

  @Test
  void aParameterNamedLikeAnInputOfTheTrainingStepIsADuplicateName() {
    String text = """
        model M() {
          fc = Linear(4, 2)
          param lr: [2] = zeros
          forward(x: [N, 4]) -> [N, 2] = (x |> fc) + lr
        }
        data d = csv("no-such-file.csv") {
          image: [4] = row[0..4]
          y: i64 = cast(row[4], i64)
        }
        train M() on d {
          loss = cross_entropy(model(image), y)
          optimizer = sgd(lr = 0.1)
        }
        """;
    List<Diagnostic> diags = check(text);
    assertEquals(List.of(ErrorCode.DUPLICATE_NAME), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertEquals(10, diags.get(0).span().line(), "at the train block");
    assertTrue(diags.get(0).message().contains("parameter named `lr`"), diags.get(0).message());
  }

  @Test
  void aDataFieldDefinedTwiceIsADuplicateName() {
    // Found by the long fuzzing run (seed 20261202, input 164460): an internal error before.
    String text = """
        model M() {
          fc = Linear(2, 1)
          forward(x: [N, 2]) -> [N, 1] = x |> fc
        }
        data d = csv("xor.csv", header = true) {
          x: [2] = row[0..2]
          y: [1] = row[2..3]
          y: [1] = row[2..3]
        }
        train M() on d {
          loss = mse(model(x), y)
          optimizer = sgd(lr = 0.5)
        }
        """;
    List<Diagnostic> diags = check(text);
    assertEquals(List.of(ErrorCode.DUPLICATE_NAME), diags.stream().map(Diagnostic::code).toList(), diags.toString());
    assertEquals(8, diags.get(0).span().line());
  }

  @Test
  void parsingStopsAfterAHundredSyntaxErrors() {
    List<Diagnostic> diags = check(PathologicalPrograms.manySyntaxErrors(25_600));
    assertEquals(101, diags.size());
    assertTrue(diags.stream().allMatch(d -> d.code() == ErrorCode.SYNTAX));
    assertEquals("more than 100 syntax errors; stopped reading the file here", diags.get(100).message());
    assertEquals(101, diags.get(100).span().line(), "where the 101st error is");
  }

  @Test
  void aDiagnosticOnAHugeLineShowsAWindowOfIt() {
    String text = PathologicalPrograms.longExpression(20_000);
    Compiler.Result result = Compiler.check(new SourceFile("long.nnet", text));
    String rendered = new DiagnosticRenderer(result.sources()::get, false).render(result.diagnostics().get(0));
    assertTrue(rendered.length() < 1_000, rendered.length() + " characters");
    assertTrue(rendered.contains("1 | let a = 1 * 2 - 3 / 4 |> 5 ** 6"), rendered);
    assertTrue(rendered.contains("** ...\n"), "cut where the window ends: " + rendered);
    assertTrue(rendered.contains("^^^"), rendered);
  }

  @Test
  void aShortLineIsShownWholeWithItsUnderline() {
    Compiler.Result result = Compiler.check(new SourceFile("s.nnet", "let a = 1 + b\n"));
    String rendered = new DiagnosticRenderer(result.sources()::get, false).render(result.diagnostics().get(0));
    assertTrue(rendered.contains("1 | let a = 1 + b\n  |             ^ not defined"), rendered);
  }

  private static List<Diagnostic> check(String text) {
    return Compiler.check(new SourceFile("p.nnet", text)).diagnostics();
  }
}
