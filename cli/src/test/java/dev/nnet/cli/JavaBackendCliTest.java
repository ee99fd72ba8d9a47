package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The java backend from the command line: {@code compile --target java} writes the classes,
 * {@code train|eval|predict --backend java} run on generated code and print what the reference
 * prints for the same checkpoint.
 */
class JavaBackendCliTest {
  @TempDir
  Path dir;
  private Path file;

  @BeforeEach
  void writeProgram() throws Exception {
    file = dir.resolve("xor.nnet");
    Files.writeString(dir.resolve("xor.csv"), "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    Files.writeString(file, String.join("\n",
        "model Xor() {",
        "  hidden = Linear(2, 4)",
        "  out = Linear(4, 1)",
        "  forward(x: [N, 2]) -> [N, 1] = x |> hidden |> tanh |> out |> sigmoid",
        "}",
        "data d = csv(\"xor.csv\", header = true) {",
        "  x: [2] = row[0..2]",
        "  y: [1] = row[2..3]",
        "  split train = rows[0..4], test = rows[0..4]",
        "}",
        "train Xor() on d {",
        "  loss = mse(model(x), y)",
        "  optimizer = sgd(lr = 0.5, momentum = 0.9)",
        "  batch = 4",
        "  epochs = 20",
        "  shuffle = false",
        "  save = \"" + dir.resolve("run").toString().replace("\\", "/") + "\"",
        "}", ""));
  }

  @Test
  void compileTargetJavaWritesTheClasses() {
    CommandRun o = CommandRun.of("compile", "--target", "java", file.toString(), "-d", dir.resolve("src").toString(),
        "--package", "com.example.xor");
    assertEquals(0, o.code(), o.err());
    for (String c : new String[] {"Xor", "XorStep", "XorEval", "XorPredict"}) {
      Path p = dir.resolve("src/com/example/xor/" + c + ".java");
      assertTrue(Files.exists(p), p + " in " + o.out());
      assertTrue(o.out().contains(p.toString()), o.out());
    }
  }

  @Test
  void trainEvalAndPredictRunOnTheJavaBackend() {
    CommandRun train = CommandRun.of("train", "--backend", "java", file.toString());
    assertEquals(0, train.code(), train.err() + train.out());
    assertTrue(train.out().contains("loss"), train.out());
    for (String command : new String[] {"eval", "predict"}) {
      CommandRun java = CommandRun.of(command, "--backend", "java", file.toString());
      CommandRun reference = CommandRun.of(command, "--backend", "reference", file.toString());
      assertEquals(0, java.code(), java.err());
      assertEquals(reference.out(), java.out(), command + " prints what the reference prints");
    }
  }

  @Test
  void anUnknownBackendIsAUsageErrorListingJava() {
    CommandRun o = CommandRun.of("train", "--backend", "nonsense", file.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("available: reference, java"), o.err());
  }
}
