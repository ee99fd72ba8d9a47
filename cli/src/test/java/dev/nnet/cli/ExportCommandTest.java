package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.checkpoint.Checkpoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nnet export --onnx}: the file it writes holds the checkpoint's weights and a free batch
 * size; a model it cannot export (a random draw), or a missing checkpoint, is an error and writes nothing. (ONNX
 * Runtime runs the exported models in backend-onnx's tests.)
 */
class ExportCommandTest {
  @TempDir
  Path dir;

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  /** A checkpoint of the example's initial (seeded) weights, as training would start them. */
  private Path checkpoint(String example) throws Exception {
    Path file = Path.of("..", "examples", example);
    TrainingPlan plan = Compiler.check(new SourceFile(file.toString(), Files.readString(file))).plans().get(0);
    SplittableRandom rng = new SplittableRandom(plan.seed());
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (ParamSpec p : plan.params()) {
      weights.put(p.name(), p.init().create(p.shape().sizes(), rng));
    }
    Path ckpt = dir.resolve(example.replace('/', '-') + ".nnetckpt");
    new Checkpoint(weights, Map.of()).save(ckpt);
    return ckpt;
  }

  @Test
  void writesTheModelWithTheCheckpointsWeights() throws Exception {
    Path ckpt = checkpoint("digits/mlp.nnet");
    Path out = dir.resolve("sub").resolve("digits.onnx");
    CommandRun r = run("export", "--onnx", "../examples/digits/mlp.nnet", "-o", out.toString(), "--checkpoint", ckpt.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote " + out), r.out());

    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(out));
    assertEquals("image", model.getGraph().getInput(0).getName());
    assertEquals("N", model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals("output", model.getGraph().getOutput(0).getName());
    Tensor w = Checkpoint.load(ckpt).tensor("fc1.weight");
    TensorProto t = model.getGraph().getInitializerList().stream().filter(i -> i.getName().equals("fc1.weight"))
        .findFirst().orElseThrow();
    assertEquals(List.of(64L, 64L), t.getDimsList());
    float[] stored = new float[w.size()];
    ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(stored);
    assertArrayEquals(w.floats(), stored);
  }

  @Test
  void anUnexportableOpIsALocatedErrorAndWritesNothing() throws Exception {
    // A model whose prediction draws noise: ONNX cannot reproduce nnet's random streams.
    Path file = dir.resolve("noisy.nnet");
    Files.writeString(file, String.join("\n",
        "model Noisy() {",
        "  fc = Linear(4, 3)",
        "  forward(x: [N, 4]) -> [N, 3] = fc(x + random_normal([N, 4]))",
        "}",
        "data d = csv(\"d.csv\") {",
        "  x: [4] = row[0..4]",
        "  y: i64 = cast(row[4], i64)",
        "}",
        "train Noisy() on d {",
        "  loss = cross_entropy(model(x), y)",
        "  optimizer = sgd(lr = 0.1)",
        "}",
        ""));
    Path ckpt = dir.resolve("noisy.nnetckpt");
    new Checkpoint(Map.of("fc.weight", Tensor.zeros(dev.nnet.ir.DType.F32, 3, 4),
        "fc.b", Tensor.zeros(dev.nnet.ir.DType.F32, 3)), Map.of()).save(ckpt);
    Path out = dir.resolve("noisy.onnx");
    CommandRun r = run("export", "--onnx", file.toString(), "-o", out.toString(), "--checkpoint", ckpt.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("error[NNET0601]"), r.err());
    assertTrue(r.err().contains("noisy.nnet:3:"), "located at the draw: " + r.err());
    assertTrue(r.err().contains("help:"), r.err());
    assertFalse(Files.exists(out));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(ckpt, file).stream().sorted().toList(), files.sorted().toList(),
          "no temporary file is left behind");
    }
  }

  @Test
  void aMissingCheckpointIsAnErrorAndWritesNothing() {
    Path out = dir.resolve("m.onnx");
    CommandRun r = run("export", "--onnx", "../examples/digits/mlp.nnet", "-o", out.toString(),
        "--checkpoint", dir.resolve("absent.nnetckpt").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no checkpoint here"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void anUnwritableOutputIsAnError() throws Exception {
    Path ckpt = checkpoint("digits/mlp.nnet");
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "");
    CommandRun r = run("export", "--onnx", "../examples/digits/mlp.nnet", "-o", blocker.resolve("m.onnx").toString(),
        "--checkpoint", ckpt.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("cannot write " + blocker.resolve("m.onnx")), r.err());
  }

  @Test
  void theFormatAndTheOutputAreRequired() {
    assertEquals(2, run("export", "../examples/digits/mlp.nnet", "-o", dir.resolve("m.onnx").toString()).code());
    assertEquals(2, run("export", "--onnx", "../examples/digits/mlp.nnet").code());
    assertEquals(0, run("export", "--help").code());
  }
}
