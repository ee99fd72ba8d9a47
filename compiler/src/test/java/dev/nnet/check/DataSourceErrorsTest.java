package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.runtime.backend.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors reading a data source: located at the source, with the path as it was really resolved. */
class DataSourceErrorsTest {
  @TempDir
  Path dir;

  private TrainingPlan plan(String source) throws Exception {
    Path sub = Files.createDirectories(dir.resolve("project"));
    Path file = sub.resolve("d.nnet");
    Files.writeString(file, """
        model M() {
          fc = Linear(1, 1)
          forward(x: [N, 1]) -> [N, 1] = x |> fc
        }
        data d = %s {
          x: [1] = row[0..1]
          y: [1] = row[1..2]
          split train = rows[0..]
        }
        train M() on d {
          loss = mse(model(x), y)
          optimizer = sgd(lr = 0.1)
        }
        """.formatted(source));
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    return r.plans().get(0);
  }

  private Diagnostic loadError(TrainingPlan p) {
    return assertThrows(DataLoadError.class, () -> p.data().load(Backends.reference())).diagnostic();
  }

  @Test
  void aMissingRelativeFileNamesThePathAsResolvedAgainstTheNnetFile() throws Exception {
    Diagnostic d = loadError(plan("csv(\"data/d.csv\")"));
    assertEquals(ErrorCode.DATA_SOURCE, d.code());
    Path resolved = dir.resolve("project").resolve("data/d.csv").toAbsolutePath();
    assertTrue(d.message().startsWith(resolved + ": file not found"), d.message());
    assertFalse(d.message().contains("working directory"), d.message());
    assertTrue(d.help().contains("resolved against the directory of the .nnet file that declares it, "
        + dir.resolve("project").toAbsolutePath()), d.help());
    assertEquals(5, d.span().line());
  }

  @Test
  void nanCellsAreErrorsUnlessTheSourceAllowsThem() throws Exception {
    Files.createDirectories(dir.resolve("project"));
    Files.writeString(dir.resolve("project/d.csv"), "1,2\n3,nan\n");
    Diagnostic d = loadError(plan("csv(\"d.csv\")"));
    assertTrue(d.message().contains("d.csv:2:3: the cell in column 2 is NaN, not a finite number"), d.message());
    assertEquals(2, plan("csv(\"d.csv\", allow_nan = true)").data().load(Backends.reference()).get("train").size());
  }

  @Test
  void allowNanNamesTheFieldsThatMayReadNanAndAnyOtherFieldIsALocatedError() throws Exception {
    Files.createDirectories(dir.resolve("project"));
    // Column 1 feeds `x`, column 2 feeds `y`: a NaN in x's column passes when x allows it.
    Files.writeString(dir.resolve("project/d.csv"), "1,2\nnan,4\n5,6\n");
    assertEquals(3, plan("csv(\"d.csv\", allow_nan = [\"x\"])").data().load(Backends.reference()).get("train").size());
    Diagnostic d = loadError(plan("csv(\"d.csv\", allow_nan = [\"y\"])"));
    assertEquals(ErrorCode.DATA_FIELD, d.code());
    Path csv = dir.resolve("project").resolve("d.csv");
    assertTrue(d.message().startsWith(csv + ":2: the cell in column 1 is NaN, and field `x` reads that column but is "
        + "not in `allow_nan`"), d.message());
    assertEquals(6, d.span().line(), "at the field `x`: " + d);
    assertTrue(d.help().contains("`allow_nan = [\"y\", \"x\"]`"), d.help());
  }

  @Test
  void aNanCellInAColumnNoFieldReadsPassesAndInfinityIsNamed() throws Exception {
    Files.createDirectories(dir.resolve("project"));
    Files.writeString(dir.resolve("project/d.csv"), "1,2,nan\n3,inf,5\n");
    Diagnostic d = loadError(plan("csv(\"d.csv\", allow_nan = [\"x\"])"));
    assertTrue(d.message().contains("d.csv:2: the cell in column 2 is inf, and field `y` reads that column"), d.message());
    assertEquals(7, d.span().line());
  }

  @Test
  void columnsReadFollowTheSlicesOfRow() throws Exception {
    TrainingPlan p = plan("csv(\"d.csv\")");
    var reads = NonFiniteCells.columnsRead(p.data().fields(), 3);
    assertEquals(java.util.BitSet.valueOf(new long[] {0b001}), reads.get("x"));
    assertEquals(java.util.BitSet.valueOf(new long[] {0b010}), reads.get("y"));
  }
}
