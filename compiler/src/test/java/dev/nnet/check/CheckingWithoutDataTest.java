package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.DType;
import dev.nnet.ir.Shape;
import dev.nnet.ir.Signature;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checking types a data declaration from its source's schema and lowers every train block without
 * reading a file; loading reads the files, resolves what only they can tell (a CSV file's column
 * count, a part's row count) and reports what does not fit at the .nnet expression.
 */
class CheckingWithoutDataTest {
  @TempDir
  Path dir;

  private static final String MODEL = """
      model M() {
        fc = Linear(4, 3)
        forward(x: [N, 4]) -> [N, 3] = x |> fc
      }
      """;

  private Compiler.Result check(String text) throws Exception {
    Path file = dir.resolve("m.nnet");
    Files.writeString(file, text);
    return Compiler.check(new SourceFile(file.toString(), text));
  }

  private static String csvTrain(String source, String fields, String splits) {
    return MODEL + """
        data d = %s {
        %s
          %s
        }
        train M() on d {
          logits = model(x)
          loss = cross_entropy(logits, y)
          metrics = [accuracy(logits, y)]
          optimizer = sgd(lr = 0.1)
        }
        """.formatted(source, fields, splits);
  }

  private static final String FIELDS = "  x: [4] = row[0..4]\n  y: i64 = cast(row[4], i64)";

  @Test
  void aCsvSourceThatDoesNotExistChecksAndLowers() throws Exception {
    Compiler.Result r = check(csvTrain("csv(\"absent/nothing.csv\")", FIELDS, "split train = rows[0..30], test = rows[30..]"));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    TrainingPlan p = r.plans().get(0);
    assertEquals(Map.of("x", TensorType.f32(Shape.of(4)), "y", new TensorType(DType.I64, Shape.scalar())), p.fields());
    assertEquals(2, p.data().splits().size());
  }

  @Test
  void anMnistSourceInAnEmptyDirectoryChecksAndLowers() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    String text = """
        model M() {
          fc = Linear(784, 10)
          forward(x: [N, 1, 28, 28]) -> [N, 10] = x |> flatten |> fc
        }
        data f = mnist("%s") {
          image: [1, 28, 28] = reshape(pixels, [1, 28, 28]) / 255.0
          label: i64 = label
          split train = train, test = test
        }
        train M() on f {
          loss = cross_entropy(model(image), label)
          optimizer = sgd(lr = 0.1)
        }
        """.formatted(empty);
    Compiler.Result r = check(text);
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    DataLoadError e = assertThrows(DataLoadError.class, () -> r.plans().get(0).data().load(Backends.reference()));
    assertEquals(ErrorCode.DATA_SOURCE, e.diagnostic().code());
    assertEquals(5, e.diagnostic().span().line(), "at the source expression");
  }

  @Test
  void aShapeErrorInATrainBlockIsReportedWithoutData() throws Exception {
    String text = MODEL + """
        data d = csv("absent.csv") {
          x: [5] = row[0..5]
          y: i64 = cast(row[5], i64)
        }
        train M() on d {
          loss = cross_entropy(model(x), y)
          optimizer = sgd(lr = 0.1)
        }
        """;
    Compiler.Result r = check(text);
    assertTrue(r.diagnostics().stream().anyMatch(d -> d.code() == ErrorCode.SHAPE_MISMATCH && d.span().line() == 10),
        r.diagnostics().toString());
  }

  @Test
  void aRangeOverTheColumnsNeedsBothEnds() throws Exception {
    Compiler.Result r = check(csvTrain("csv(\"absent.csv\")", "  x: [4] = row[1..]\n  y: i64 = cast(row[0], i64)", ""));
    Diagnostic d = r.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
    assertEquals(ErrorCode.OP_SHAPE, d.code());
    assertTrue(d.message().contains("known only at run time"), d.message());
  }

  @Test
  void aDeclaredTypeIsTheContractAndIsCheckedWhenTheFileIsRead() throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      csv.append("1,2,3,4,").append(i % 3).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv.toString());
    Compiler.Result ok = check(csvTrain("csv(\"d.csv\")", "  x: [4] = row[..4]\n  y: i64 = cast(row[4], i64)", ""));
    assertFalse(ok.hasErrors(), ok.diagnostics().toString());
    Map<String, Dataset> splits = ok.plans().get(0).data().load(Backends.reference());
    assertEquals(10, splits.get("train").size());

    Files.writeString(dir.resolve("d.csv"), "1,2,3\n4,5,6\n");
    DataLoadError e = assertThrows(DataLoadError.class, () -> ok.plans().get(0).data().load(Backends.reference()));
    assertEquals(ErrorCode.DATA_FIELD, e.diagnostic().code());
    assertTrue(e.diagnostic().message().contains("`C` = 3"), e.diagnostic().message());
    assertEquals(6, e.diagnostic().span().line(), "at the field expression that does not fit");
  }

  @Test
  void anOutOfRangeSplitIsALocatedErrorAtLoadTime() throws Exception {
    Files.writeString(dir.resolve("d.csv"), "1,2,3,4,0\n".repeat(20));
    Compiler.Result r = check(csvTrain("csv(\"d.csv\")", FIELDS, "split train = rows[0..15], test = rows[15..40]"));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    DataLoadError e = assertThrows(DataLoadError.class, () -> r.plans().get(0).data().load(Backends.reference()));
    assertEquals("rows 15..40 are out of range: `rows` has 20 rows here", e.diagnostic().message());
    assertEquals(8, e.diagnostic().span().line(), "at the split");
  }

  @Test
  void aReversedSplitIsReportedByTheCheck() throws Exception {
    Compiler.Result r = check(csvTrain("csv(\"d.csv\")", FIELDS, "split train = rows[30..10]"));
    assertTrue(r.diagnostics().stream().anyMatch(d -> d.code() == ErrorCode.DATA_FIELD
        && d.message().contains("ends before it starts")), r.diagnostics().toString());
  }

  @Test
  void unknownSettingsAreErrorsWithASuggestion() throws Exception {
    String text = csvTrain("csv(\"d.csv\")", FIELDS, "").replace("optimizer = sgd(lr = 0.1)",
        "optimizer = sgd(lr = 0.1)\n  epoch = 50");
    Diagnostic d = check(text).diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
    assertEquals(ErrorCode.UNKNOWN_SETTING, d.code());
    assertEquals("did you mean `epochs`?", d.help());
  }

  @Test
  void theStepSignatureGivesEveryInputAndOutputItsRole() throws Exception {
    TrainingPlan p = check(csvTrain("csv(\"d.csv\")", FIELDS, "")).plans().get(0);
    Signature s = p.stepSignature();
    assertEquals(java.util.List.of("fc.weight", "fc.b"),
        s.inputs(Signature.InputRole.PARAMETER).stream().map(Signature.InputSlot::name).toList());
    assertEquals(java.util.List.of("x", "y"),
        s.inputs(Signature.InputRole.BATCH).stream().map(Signature.InputSlot::name).sorted().toList());
    assertEquals(java.util.Set.of("lr", "epoch", "step"), s.inputs(Signature.InputRole.SCALAR).stream()
        .map(Signature.InputSlot::name).collect(java.util.stream.Collectors.toSet()));
    assertEquals(1, s.outputs(Signature.OutputRole.LOSS).size());
    assertEquals("accuracy", s.outputs(Signature.OutputRole.METRIC).get(0).name());
    assertEquals(java.util.Set.of("fc.weight", "fc.b"), s.outputs(Signature.OutputRole.UPDATE).stream()
        .map(Signature.OutputSlot::replaces).collect(java.util.stream.Collectors.toSet()));
    assertEquals(java.util.List.of("output"), p.predictSignature().outputs().stream().map(Signature.OutputSlot::name).toList());
  }
}
