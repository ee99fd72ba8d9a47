package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lints that need a train block: the learning rate range (NNET1003), reported once although traced twice. */
class TrainingLintTest {
  @TempDir
  Path dir;

  private List<Diagnostic> check(String optimizer) throws Exception {
    Files.writeString(dir.resolve("d.csv"), "1,2,0\n3,4,1\n");
    Path file = dir.resolve("t.nnet");
    Files.writeString(file, """
        model M() {
          fc = Linear(2, 1)
          forward(x: [N, 2]) -> [N, 1] = x |> fc
        }
        data d = csv("d.csv") {
          x: [2] = row[0..2]
          y: [1] = row[2..3]
        }
        train M() on d {
          loss = binary_cross_entropy_with_logits(model(x), y)
          optimizer = %s
        }
        """.formatted(optimizer));
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    return r.diagnostics();
  }

  @Test
  void hugeLearningRateWarnsOnce() throws Exception {
    List<Diagnostic> d = check("sgd(lr = 5.0)");
    assertEquals(1, d.size(), d.toString());
    assertEquals(ErrorCode.LEARNING_RATE_RANGE, d.get(0).code());
    assertEquals(11, d.get(0).span().line());
    assertTrue(d.get(0).message().contains("5.0"));
  }

  @Test
  void usualLearningRateIsQuiet() throws Exception {
    assertTrue(check("adam(lr = 1e-3)").isEmpty());
  }
}
