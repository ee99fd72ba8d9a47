package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check}, {@code summary} and {@code compile} never read data; {@code train} reads it and
 * reports a missing file at the source expression; {@code --backend} selects a registered backend.
 */
class CheckWithoutDataTest {
  @TempDir
  Path dir;

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  private Path file() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-mnist"));
    Path f = dir.resolve("m.nnet");
    Files.writeString(f, String.join("\n",
        "model M() {",
        "  fc = Linear(784, 10)",
        "  forward(x: [N, 784]) -> [N, 10] = x |> fc",
        "}",
        "data images = mnist(\"" + empty + "\") {",
        "  x: [784] = reshape(pixels, [784]) / 255.0",
        "  y: i64 = label",
        "}",
        "data table = csv(\"no/such/table.csv\") {",
        "  x: [784] = row[0..784]",
        "  y: i64 = cast(row[784], i64)",
        "  split train = rows[0..1000], test = rows[1000..]",
        "}",
        "train M() on table {",
        "  loss = cross_entropy(model(x), y)",
        "  optimizer = sgd(lr = 0.1)",
        "}", ""));
    return f;
  }

  @Test
  void checkSummaryAndCompileReadNoData() throws Exception {
    Path f = file();
    CommandRun check = run("check", f.toString());
    assertEquals(0, check.code(), check.err());
    assertEquals("", check.err());
    assertEquals(0, run("summary", f.toString()).code());
    CommandRun ir = run("compile", "--emit", "ir", f.toString());
    assertEquals(0, ir.code(), ir.err());
    assertTrue(ir.out().contains("input \"epoch\""), ir.out());
  }

  @Test
  void trainReportsTheMissingFileAtTheSourceWithoutAStackTrace() throws Exception {
    CommandRun train = run("train", file().toString());
    assertEquals(1, train.code());
    assertTrue(train.err().contains("error[NNET0401]"), train.err());
    assertTrue(train.err().contains("m.nnet:9:"), train.err());
    assertFalse(train.err().contains("\tat "), train.err());
  }

  @Test
  void theFashionExampleChecksWithoutTheDataSet() {
    CommandRun check = run("check", "../examples/fashion/mlp.nnet");
    assertEquals(0, check.code(), check.err());
  }

  @Test
  void anUnknownBackendIsAUsageErrorListingTheAvailableOnes() throws Exception {
    CommandRun train = run("train", "--backend", "tpu", file().toString());
    assertEquals(2, train.code());
    assertTrue(train.err().contains("unknown backend `tpu`; available: reference"), train.err());
    assertEquals(2, run("eval", "--backend", "tpu", file().toString()).code());
    assertEquals(2, run("predict", "--backend", "tpu", file().toString()).code());
  }

  @Test
  void trainOnTheReferenceBackendByName() throws Exception {
    Files.writeString(dir.resolve("xor.csv"), "0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    Path f = dir.resolve("xor.nnet");
    Files.writeString(f, String.join("\n",
        "model M() {",
        "  fc = Linear(2, 1)",
        "  forward(x: [N, 2]) = x |> fc |> sigmoid",
        "}",
        "data d = csv(\"xor.csv\") {",
        "  x: [2] = row[0..2]",
        "  y: [1] = row[2..3]",
        "}",
        "train M() on d {",
        "  loss = mse(model(x), y)",
        "  optimizer = sgd(lr = 0.5)",
        "  batch = 4",
        "  epochs = 2",
        "}", ""));
    CommandRun train = run("train", "--backend", "reference", f.toString());
    assertEquals(0, train.code(), train.err());
  }
}
