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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the checker on each fixture in {@code src/test/resources/fixtures}. A fixture states its
 * expected diagnostics inline, on the line where each must be reported:
 * {@code // error[NNET0301]: text the message contains}. The checker must report exactly those
 * (code and line), each message containing the text.
 */
class DiagnosticFixtureTest {
  private static final Pattern EXPECT = Pattern.compile("//\\s*(error|warning)\\[(NNET\\d{4})\\]:\\s*(.*)$");

  record Expected(int line, String severity, String code, String text) {}

  @ParameterizedTest
  @ValueSource(strings = {"shape_mismatch", "unknown_name", "syntax", "dtype_mismatch", "matmul_shapes",
      "missing_argument", "wrong_result", "duplicate", "lints", "unknown_setting",
      "nesting", "two_train_blocks", "recursion"})
  void reportsExactlyTheExpectedDiagnostics(String name) throws IOException {
    SourceFile file = fixture(name);
    List<Expected> expected = new ArrayList<>();
    String[] lines = file.text().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = EXPECT.matcher(lines[i]);
      if (m.find()) {
        expected.add(new Expected(i + 1, m.group(1), m.group(2), m.group(3).trim()));
      }
    }
    assertTrue(!expected.isEmpty(), "fixture " + name + " states no expectation");
    Compiler.Result result = Compiler.check(file); // train blocks too: checking reads no data
    List<Diagnostic> actual = result.diagnostics();
    String rendered = render(result);
    assertEquals(expected.size(), actual.size(), "diagnostics of " + name + ":\n" + rendered);
    for (Expected e : expected) {
      boolean found = actual.stream().anyMatch(d -> d.span().line() == e.line() && d.code().id().equals(e.code())
          && d.severity().text().equals(e.severity()) && d.message().contains(e.text()));
      assertTrue(found, "expected " + e + " in " + name + ", got:\n" + rendered);
    }
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
