package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the checker on each fixture in {@code src/test/resources/fixtures}. A fixture states its
 * expected diagnostics inline, on the line where each must be reported:
 * {@code // error[NNET0301]: text the message contains}. The checker must report exactly those
 * (code and line), each message containing the text. A comment line {@code // help: text} right
 * below an expectation says that diagnostic's help line must contain the text ({@code // help: (none)}:
 * it must have none, where no fix is knowable and a guess could be wrong).
 */
class DiagnosticFixtureTest {
  private static final Pattern EXPECT = Pattern.compile("//\\s*(error|warning)\\[(NNET\\d{4})\\]:\\s*(.*)$");
  private static final Pattern HELP = Pattern.compile("^\\s*//\\s*help:\\s*(.*)$");

  record Expected(int line, String severity, String code, String text, String help) {
    Expected withHelp(String h) {
      return new Expected(line, severity, code, text, h);
    }
  }

  private static final String[] FIXTURES = {"shape_mismatch", "unknown_name", "syntax", "dtype_mismatch",
      "matmul_shapes", "missing_argument", "wrong_result", "duplicate", "lints", "unknown_setting", "loss_shapes",
      "library_errors", "train_field_origin", "shape_help", "layer_names", "zero_gradient", "stale_state",
      "symbols", "splits", "duplicate_metric", "mode_ignored", "nesting", "two_train_blocks", "recursion",
      "allow_nan"};

  static String[] fixtures() {
    return FIXTURES.clone();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void reportsExactlyTheExpectedDiagnostics(String name) throws IOException {
    SourceFile file = fixture(name);
    List<Expected> expected = expectations(name, file);
    assertTrue(!expected.isEmpty(), "fixture " + name + " states no expectation");
    Compiler.Result result = Compiler.check(file); // train blocks too: checking reads no data
    List<Diagnostic> actual = result.diagnostics();
    String rendered = render(result);
    assertEquals(expected.size(), actual.size(), "diagnostics of " + name + ":\n" + rendered);
    for (Expected e : expected) {
      boolean found = actual.stream().anyMatch(d -> d.span().line() == e.line() && d.code().id().equals(e.code())
          && d.severity().text().equals(e.severity()) && d.message().contains(e.text())
          && helpMatches(e.help(), d.help()));
      assertTrue(found, "expected " + e + " in " + name + ", got:\n" + rendered);
    }
  }

  /** A shape or dtype error whose fix is knowable says it; each fixture states the help, or `(none)` where no fix is. */
  @org.junit.jupiter.api.Test
  void everyShapeExpectationStatesItsHelp() throws IOException {
    for (String name : FIXTURES) {
      for (Expected e : expectations(name, fixture(name))) {
        assertTrue(!e.code().startsWith("NNET03") || e.help() != null,
            name + ":" + e.line() + ": " + e.code() + " expectation without a `// help:` line");
      }
    }
  }

  /** The errors of std.nn functions are reported at the user's call, the library line a note. */
  @org.junit.jupiter.api.Test
  void libraryErrorsPointAtTheUsersCallWithTheLibraryLineAsANote() throws IOException {
    Compiler.Result result = Compiler.check(fixture("library_errors"));
    String text = render(result);
    for (Diagnostic d : result.diagnostics()) {
      assertEquals("library_errors.nnet", d.span().file(), text);
    }
    assertTrue(text.contains("= note: std/nn.nnet:"), text);
    assertTrue(text.contains("inside `log_softmax`"), text);
    assertTrue(text.contains("first called here"), text);
  }

  /** A data field used in a train block "produces" its value at its declaration in the data block. */
  @org.junit.jupiter.api.Test
  void trainBlockFieldsOriginateAtTheirDeclaration() throws IOException {
    Compiler.Result result = Compiler.check(fixture("train_field_origin"));
    Diagnostic d = result.diagnostics().get(0);
    assertTrue(d.related().stream().anyMatch(r -> r.span().line() == 10 && r.label().equals("produces [N, 1]")),
        render(result));
  }

  /** An unknown name in `allow_nan` is underlined itself, not the whole list. */
  @org.junit.jupiter.api.Test
  void anUnknownAllowNanNameIsReportedAtThatName() throws IOException {
    SourceFile file = fixture("allow_nan");
    Compiler.Result result = Compiler.check(file);
    Diagnostic d = result.diagnostics().stream().filter(x -> x.span().line() == 2).findFirst().orElseThrow();
    String line = file.text().split("\n")[1];
    assertEquals(line.indexOf("\"incme\"") + 1, d.span().column(), render(result));
    assertEquals(line.indexOf("\"incme\"") + 8, d.span().endColumn(), render(result));
  }

  @org.junit.jupiter.api.Test
  void shapeMismatchNamesBothShapesWhereTheyComeFromAndTheFix() throws IOException {
    Compiler.Result result = Compiler.check(fixture("shape_mismatch"), false);
    String text = render(result);
    assertTrue(text.contains("fc1 = Linear(784, 128)"), text);
    assertTrue(text.contains("produces [N, 128]"), text);
    assertTrue(text.contains("fc2 = Linear(256, classes)"), text);
    assertTrue(text.contains("N = batch size (from `x: [N, 784]` in `forward`, line 4)"), text);
    assertTrue(text.contains("help: write `Linear(128, classes)`"), text);
  }

  private static List<Expected> expectations(String name, SourceFile file) {
    List<Expected> expected = new ArrayList<>();
    String[] lines = file.text().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = EXPECT.matcher(lines[i]);
      Matcher h = HELP.matcher(lines[i]);
      if (m.find()) {
        expected.add(new Expected(i + 1, m.group(1), m.group(2), m.group(3).trim(), null));
      } else if (h.find()) {
        assertTrue(!expected.isEmpty() && expected.get(expected.size() - 1).line() == i,
            name + ":" + (i + 1) + ": a `// help:` line must follow an expectation");
        expected.set(expected.size() - 1, expected.get(expected.size() - 1).withHelp(h.group(1).trim()));
      }
    }
    return expected;
  }

  private static boolean helpMatches(String expected, String actual) {
    if (expected == null) {
      return true;
    }
    return expected.equals("(none)") ? actual == null : actual != null && actual.contains(expected);
  }

  private static String render(Compiler.Result result) {
    DiagnosticRenderer r = new DiagnosticRenderer(result.sources()::get, false);
    StringBuilder sb = new StringBuilder();
    result.diagnostics().forEach(d -> sb.append(r.render(d)));
    return sb.toString();
  }

  static SourceFile fixture(String name) throws IOException {
    try (InputStream in = DiagnosticFixtureTest.class.getResourceAsStream("/fixtures/" + name + ".nnet")) {
      return new SourceFile(name + ".nnet", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
