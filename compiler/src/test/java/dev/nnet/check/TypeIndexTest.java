package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.ir.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the checker records per span when asked, for editors: types of expressions, layers of fields. */
class TypeIndexTest {
  private static final String MLP = """
      model Mlp(classes: int = 10) {
        fc1 = Linear(784, 256)
        fc2 = Linear(256, classes)
        forward(x: [N, 1, 28, 28]) -> [N, classes] {
          let h = x |> flatten |> fc1 |> relu
          return h |> fc2
        }
      }
      """;

  private static Compiler.Result check(String text, boolean record) {
    return Compiler.check(new SourceFile("m.nnet", text), new Compiler.Options(false, record));
  }

  private static TracedValue only(Compiler.Result r, int line, int col) {
    SourceSpan s = r.types().innermost(line, col);
    assertNotNull(s, "something traced at " + line + ":" + col);
    List<TracedValue> values = r.types().at(s);
    assertEquals(1, values.size(), values.toString());
    return values.get(0);
  }

  @Test
  void recordsEachPipelineStageAndName() {
    Compiler.Result r = check(MLP, true);
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    // `x |> flatten` ends at column 25 of line 5; the pipe up to there is [N, 784].
    SourceSpan flat = r.types().spans().stream().filter(s -> s.line() == 5 && s.column() == 13 && s.endColumn() == 25)
        .findFirst().orElseThrow();
    assertEquals("[N, 784]", r.types().at(flat).get(0).tensor().toString());
    // The name `fc1` in the pipeline is the layer instance, called once with [N, 784].
    TracedValue fc1 = only(r, 5, 30);
    assertNotNull(fc1.layer());
    assertEquals("fc1", fc1.layer().path());
    assertEquals("[N, 256]", fc1.layer().outputs().get(0).toString());
    assertEquals(784 * 256 + 256, fc1.layer().parameterCount());
    // `x` in the forward parameters is the symbolic input.
    assertEquals("[N, 1, 28, 28]", only(r, 4, 11).tensor().toString());
    // The let statement records its value: on `h`, the tensor [N, 256].
    assertEquals("[N, 256]", only(r, 5, 9).tensor().toString());
    // A field name records the instance it holds.
    assertSame(r.models().get(0).children().get("fc2"), only(r, 3, 3).layer());
  }

  @Test
  void recordsNothingUnlessAsked() {
    Compiler.Result r = check(MLP, false);
    assertTrue(r.types().spans().isEmpty());
    assertSame(TypeIndex.EMPTY, r.types());
  }

  @Test
  void keepsTheTypesTracedBeforeAnError() {
    Compiler.Result r = check(MLP.replace("Linear(256, classes)", "Linear(128, classes)"), true);
    assertTrue(r.hasErrors());
    assertEquals("[N, 256]", only(r, 5, 9).tensor().toString());
  }
}
