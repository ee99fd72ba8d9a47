package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented exit codes: 0 success, 1 diagnostics, 2 usage. */
class ExitCodeTest {
  @TempDir
  Path dir;

  private int run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream()));
      System.setErr(new PrintStream(new ByteArrayOutputStream()));
      return Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void checkOfAGoodFileSucceeds() throws Exception {
    Path f = dir.resolve("ok.nnet");
    Files.writeString(f, "model M() {\n  fc = Linear(4, 2)\n  forward(x: [N, 4]) = x |> fc\n}\n");
    assertEquals(0, run("check", f.toString()));
  }

  @Test
  void shapeErrorGivesOne() throws Exception {
    Path f = dir.resolve("bad.nnet");
    Files.writeString(f, "model M() {\n  fc = Linear(4, 2)\n  forward(x: [N, 5]) = x |> fc\n}\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err));
      code = Main.run("check", f.toString());
    } finally {
      System.setErr(saved);
    }
    assertEquals(1, code);
    assertTrue(err.toString().contains("error[NNET0301]"), err.toString());
    assertTrue(err.toString().contains("bad.nnet:3:"), err.toString());
  }

  @Test
  void missingFileGivesOneAndUsageErrorsGiveTwo() {
    assertEquals(1, run("check", dir.resolve("absent.nnet").toString()));
    assertEquals(2, run("frobnicate"));
    assertEquals(2, run("train"));
    assertEquals(2, run("compile", "--emit", "nonsense", "x.nnet"));
    assertEquals(0, run("--help"));
    assertEquals(0, run("train", "--help"));
  }

  @Test
  void trainWithProfilePrintsWhereTheStepTimeWent() throws Exception {
    Path f = dir.resolve("xor.nnet");
    Files.writeString(dir.resolve("xor.csv"), "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    Files.writeString(f, String.join("\n",
        "model M() {",
        "  fc = Linear(2, 1)",
        "  forward(x: [N, 2]) = x |> fc |> sigmoid",
        "}",
        "data d = csv(\"xor.csv\", header = true) {",
        "  x: [2] = row[0..2]",
        "  y: [1] = row[2..3]",
        "}",
        "train M() on d {",
        "  loss = mse(model(x), y)",
        "  optimizer = sgd(lr = 0.5)",
        "  batch = 4",
        "  epochs = 3",
        "  shuffle = false",
        "}", ""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int code;
    try {
      System.setOut(new PrintStream(out));
      code = Main.run("train", "--profile", f.toString());
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, code, out.toString());
    assertTrue(out.toString().contains("profile: 2 runs"), out.toString());
    assertTrue(out.toString().contains("matmul"), out.toString());
    assertTrue(out.toString().contains("outside kernels"), out.toString());
  }
}
