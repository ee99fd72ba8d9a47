package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict} prints classes only for a classifier; a model with several values per row prints them. */
class PredictOutputsTest {
  @TempDir
  Path dir;

  private Path write(String loss) throws Exception {
    Files.writeString(dir.resolve("d.csv"), "0,0,0,1\n0,1,1,0\n1,0,1,0\n1,1,0,1\n");
    Path f = dir.resolve("m.nnet");
    Files.writeString(f, """
        model M() {
          fc = Linear(2, 2)
          forward(x: [N, 2]) -> [N, 2] = x |> fc
        }
        data d = csv("d.csv") {
          x: [2] = row[0..2]
          y: [2] = row[2..4]
          c: i64 = cast(row[2], i64)
          split train = rows[0..4], test = rows[0..4]
        }
        train M() on d {
          loss = %s
          optimizer = sgd(lr = 0.1)
          epochs = 1
          save = "%s"
        }
        """.formatted(loss, dir.resolve("runs").toString()));
    return f;
  }

  @Test
  void aRegressionWithTwoOutputsPrintsItsValues() throws Exception {
    Path f = write("mse(model(x), y)");
    CommandRun train = CommandRun.of("train", f.toString());
    assertEquals(0, train.code(), train.err());
    CommandRun predict = CommandRun.of("predict", "--limit", "2", f.toString());
    assertEquals(0, predict.code(), predict.err());
    assertFalse(predict.out().contains("class"), predict.out());
    assertTrue(predict.out().matches("(?s)row 0: -?\\d+\\.\\d{4} -?\\d+\\.\\d{4}\\R.*"), predict.out());
  }

  @Test
  void aClassifierPrintsTheClass() throws Exception {
    Path f = write("cross_entropy(model(x), c)");
    assertEquals(0, CommandRun.of("train", f.toString()).code());
    CommandRun predict = CommandRun.of("predict", "--limit", "2", f.toString());
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().startsWith("row 0: class "), predict.out());
  }
}
