package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numerical faults stop training with a located error and keep the last good checkpoint; a
 * checkpoint of another shape of model or of a diverged run is one clear error.
 */
class TrainingFaultsTest {
  @TempDir
  Path dir;

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  /** A one-layer model on the XOR table; {@code lossLine} is line 10 of the file. */
  private Path program(String name, String layer, String lossLine) throws Exception {
    Files.writeString(dir.resolve("xor.csv"), "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    Path f = dir.resolve(name);
    Files.writeString(f, String.join("\n",
        "model M() {",
        "  fc = " + layer,
        "  forward(x: [N, 2]) = x |> fc |> sigmoid",
        "}",
        "data d = csv(\"xor.csv\", header = true) {",
        "  x: [2] = row[0..2]",
        "  y: [1] = row[2..3]",
        "}",
        "train M() on d {",
        "  " + lossLine,
        "  optimizer = sgd(lr = 0.5)",
        "  batch = 4",
        "  epochs = 3",
        "  shuffle = false",
        "  save = \"" + dir.resolve("run").toString().replace("\\", "/") + "\"",
        "}", ""));
    return f;
  }

  @Test
  void aNaNLossStopsAtOnceNamingTheOpAndLineAndKeepsTheLastGoodCheckpoint() throws Exception {
    // log(1 - epoch) is 0 in the first epoch and -inf in the second.
    Path f = program("nan.nnet", "Linear(2, 1)", "loss = mse(model(x), y) + log(1.0 - cast(epoch, f32))");
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("nan.nnet:10:"), r.err());
    assertTrue(r.err().contains("training stopped in epoch 2, step 1: the loss is -Infinity"), r.err());
    assertTrue(r.err().contains("first produced by `log`, computing the expression here"), r.err());
    assertTrue(r.err().contains("checkpoint of epoch 1 is kept"), r.err());
    assertFalse(r.out().contains("epoch 3/3"), r.out());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    Checkpoint kept = Checkpoint.load(Trainer.checkpointFile(dir.resolve("run")));
    assertEquals("1", kept.metadata().get(Trainer.META_EPOCH));
    kept.tensors().forEach((name, t) -> assertEquals(-1, t.firstNonFinite(), name));
  }

  @Test
  void aNaNGradientWithAFiniteLossStopsTooNamingTheUpdateAndTheOp() throws Exception {
    // sqrt at 0 is finite, its derivative is not: the loss stays finite, the weights would turn NaN.
    Path f = program("grad.nnet", "Linear(2, 1)", "loss = mse(model(x), y) + sqrt(sum(model(x)) * 0.0)");
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("training stopped in epoch 1, step 1: the update of `fc."), r.err());
    assertTrue(r.err().contains("grad.nnet:10:"), r.err());
    assertTrue(r.err().contains("no checkpoint was written"), r.err());
  }

  @Test
  void aCheckpointOfADifferentlyShapedModelIsOneErrorNamingFileAndParameter() throws Exception {
    Path small = program("small.nnet", "Linear(2, 1)", "loss = mse(model(x), y)");
    assertEquals(0, run("train", small.toString()).code());
    Path wide = program("wide.nnet", "Linear(2, 3)", "loss = mse(sum(model(x), axis = 1, keepdims = true), y)");
    CommandRun r = run("eval", "--split", "train", wide.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    String ckpt = Trainer.checkpointFile(dir.resolve("run")).toString();
    assertTrue(r.err().contains(ckpt), r.err());
    assertTrue(r.err().contains("parameter `fc.weight` is f32[1, 2] in the checkpoint but f32[3, 2]"), r.err());
    assertTrue(r.err().contains("differently shaped model"), r.err());
    CommandRun resumed = run("train", "--resume", wide.toString());
    assertEquals(1, resumed.code());
    assertTrue(resumed.err().contains("parameter `fc.weight`"), resumed.err());
  }

  @Test
  void aCheckpointWithNaNWeightsIsOneErrorNamingFileAndParameter() throws Exception {
    Path f = program("ok.nnet", "Linear(2, 1)", "loss = mse(model(x), y)");
    assertEquals(0, run("train", f.toString()).code());
    Path file = Trainer.checkpointFile(dir.resolve("run"));
    Checkpoint good = Checkpoint.load(file);
    Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
    Tensor bias = tensors.get("fc.b").copy();
    bias.floats()[0] = Float.NaN;
    tensors.put("fc.b", bias);
    new Checkpoint(tensors, good.metadata()).save(file);
    CommandRun r = run("eval", "--split", "train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(file.toString()), r.err());
    assertTrue(r.err().contains("parameter `fc.b` holds NaN at element 0"), r.err());
  }

  @Test
  void aLabelOutOfRangeNamesTheDataFileAndLineBeforeTraining() throws Exception {
    Files.writeString(dir.resolve("labels.csv"), "a,b,y\n0,0,0\n0,1,1\n\n1,0,1\n1,1,2\n");
    Path f = dir.resolve("labels.nnet");
    Files.writeString(f, String.join("\n",
        "model M() {",
        "  fc = Linear(2, 2)",
        "  forward(x: [N, 2]) = x |> fc",
        "}",
        "data d = csv(\"labels.csv\", header = true, shuffle = true) {",
        "  x: [2] = row[0..2]",
        "  label: i64 = cast(row[2], i64)",
        "  split train = rows[0..]",
        "}",
        "train M() on d {",
        "  loss = cross_entropy(model(x), label)",
        "  optimizer = sgd(lr = 0.5)",
        "  batch = 2",
        "}", ""));
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    // Line 6 of the file (the blank line 4 counts), whatever the shuffle did to the rows.
    assertTrue(r.err().contains(dir.resolve("labels.csv").toAbsolutePath() + ":6: `label` is 2, outside the 2 classes [0, 2)"),
        r.err());
    assertFalse(r.out().contains("epoch 1/"), "reported before training: " + r.out());
  }

  /** A classifier whose labels 1..3 reach `cross_entropy` as {@code target} (line 11: the loss). */
  private Path labelsProgram(String name, String csv, String target) throws Exception {
    Files.writeString(dir.resolve("labels.csv"), csv);
    Path f = dir.resolve(name);
    Files.writeString(f, String.join("\n",
        "model M() {",
        "  fc = Linear(2, 3)",
        "  forward(x: [N, 2]) = x |> fc",
        "}",
        "data d = csv(\"labels.csv\", header = true, shuffle = true) {",
        "  x: [2] = row[0..2]",
        "  label: i64 = cast(row[2], i64)",
        "  shift: i64 = cast(row[3], i64)",
        "}",
        "train M() on d {",
        "  loss = cross_entropy(model(x), " + target + ")",
        "  optimizer = sgd(lr = 0.5)",
        "  batch = 2",
        "  epochs = 1",
        "}", ""));
    return f;
  }

  @Test
  void aLabelOutOfRangeThroughArithmeticNamesTheDataRowAndTheUsersCallBeforeTraining() throws Exception {
    // Labels 1..3 shifted to classes 0..2; line 5 of the file holds a 4.
    Path f = labelsProgram("shifted.nnet", "a,b,y,s\n0,0,1,0\n0,1,2,0\n1,0,4,0\n1,1,3,0\n", "label - 1");
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(dir.resolve("labels.csv").toAbsolutePath() + ":4: `label` is 4, which makes the index 3 "
        + "(computed at " + f + ":11:34)"), r.err());
    assertTrue(r.err().contains("outside the 3 classes [0, 3) that the model's output has (`one_hot` at " + f
        + ":11:10 (in `cross_entropy`, std/nn.nnet:"), r.err());
    assertFalse(r.out().contains("epoch 1/"), "reported before training: " + r.out());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void anIndexComputedFromTwoFieldsIsCheckedBeforeTrainingToo() throws Exception {
    Path f = labelsProgram("two.nnet", "a,b,y,s\n0,0,1,1\n0,1,2,1\n1,0,3,-1\n1,1,3,1\n", "label - shift");
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(dir.resolve("labels.csv").toAbsolutePath() + ":4: `label` is 3 and `shift` is -1, which "
        + "make the index 4 (computed at " + f + ":11:34)"), r.err());
    assertFalse(r.out().contains("epoch 1/"), "reported before training: " + r.out());
  }

  @Test
  void aLabelOutOfRangeFoundWhileAStepRunsIsReportedAtTheUsersCallWithTheLibraryLineAsANote() throws Exception {
    // An index computed from the model's output is only known while a step runs: the kernel finds it,
    // and the error names the user's call, not std.nn's line.
    Path f = labelsProgram("model.nnet", "a,b,y,s\n0,0,1,1\n0,1,2,1\n", "argmax(model(x), axis = 1) + 3");
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(f + ":11:10: in `cross_entropy`: `one_hot` index "), r.err());
    assertTrue(r.err().contains("is out of range [0, 3)"), r.err());
    assertTrue(r.err().contains("= note: std/nn.nnet:"), r.err());
    assertTrue(r.err().contains(": inside `cross_entropy`"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    // Generated code reports it at the same place.
    CommandRun java = run("train", f.toString(), "--backend", "java");
    assertEquals(1, java.code(), java.out() + java.err());
    assertTrue(java.err().contains(f + ":11:10: in `cross_entropy`: `one_hot` index "), java.err());
    assertTrue(java.err().contains("= note: std/nn.nnet:"), java.err());
  }

  @Test
  void aNanCellIsAllowedOnlyInTheFieldsThatAllowNanNames() throws Exception {
    Files.writeString(dir.resolve("holes.csv"), "a,b,y\n0,nan,0.5\n1,0,0.25\n");
    Path f = dir.resolve("holes.nnet");
    String program = String.join("\n",
        "model M() {",
        "  fc = Linear(1, 1)",
        "  forward(x: [N, 1]) = x |> fc",
        "}",
        "data d = csv(\"holes.csv\", header = true, allow_nan = [\"%s\"]) {",
        "  x: [1] = row[0..1]",
        "  b: [1] = row[1..2]",
        "  y: [1] = row[2..3]",
        "}",
        "train M() on d {",
        "  loss = mse(model(x), y)",
        "  optimizer = sgd(lr = 0.1)",
        "  epochs = 1",
        "}", "");
    Files.writeString(f, program.formatted("b"));
    CommandRun ok = run("train", f.toString());
    assertEquals(0, ok.code(), ok.out() + ok.err());
    Files.writeString(f, program.formatted("y"));
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("holes.nnet:7:12: error[NNET0402]: " + dir.resolve("holes.csv").toAbsolutePath()
        + ":2: the cell in column 2 (\"b\") is NaN, and field `b` reads that column but is not in `allow_nan`"), r.err());
  }

  @Test
  void summaryPrintsParameterAndActivationMemory() throws Exception {
    Path f = program("small.nnet", "Linear(2, 1)", "loss = mse(model(x), y)");
    CommandRun r = run("summary", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Parameter memory: 12 bytes (f32, buffers included)"), r.out());
    assertTrue(r.out().contains("Optimizer state: 0 bytes"), r.out());
    assertTrue(r.out().matches("(?s).*Activation memory per training step: \\d+\\*N \\+ \\d+ bytes \\([\\d,]+ at batch 4\\).*"), r.out());
  }

  @Test
  void summaryOfAModelWithoutATrainBlockPrintsItsMemoryToo() throws Exception {
    Path f = dir.resolve("model.nnet");
    Files.writeString(f, "model M() {\n  fc = Linear(4, 3)\n  forward(x: [N, 4]) = x |> fc\n}\n");
    CommandRun r = run("summary", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Parameter memory: 60 bytes (f32, buffers included)"), r.out());
    assertTrue(r.out().matches("(?s).*Activation memory of forward: \\d+\\*N( \\+ \\d+)? bytes.*"), r.out());
  }

  @Test
  void aModelTooLargeForTheHeapIsALocatedErrorBeforeAnythingIsAllocated() throws Exception {
    // 1e9 weights fit one Java array (so checking passes) but with one step's activations at
    // batch 4, hundreds of gigabytes: more than any test JVM's heap.
    Path f = program("huge.nnet", "Linear(2, 1000000000)", "loss = mse(sum(model(x), axis = 1, keepdims = true), y)");
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("huge.nnet:2:8: error[NNET0206]: training needs about"), r.err());
    assertTrue(r.err().contains("12,000,000,000 for parameters"), r.err()); // weight [1e9, 2] and bias [1e9]
    assertTrue(r.err().contains("`fc.weight` alone takes 8,000,000,000 bytes"), r.err());
    assertFalse(r.err().contains("OutOfMemoryError") || r.err().contains("\tat "), r.err());
  }

  @Test
  void aGatherIndexOutOfItsTableNamesTheDataFileAndLine() throws Exception {
    Files.writeString(dir.resolve("ids.csv"), "0,1\n2,0\n3,1\n");
    Path f = dir.resolve("ids.nnet");
    Files.writeString(f, String.join("\n",
        "layer Lookup() {",
        "  param table: [3, 1] = uniform(-1.0, 1.0)",
        "  forward(i: i64[N]) -> [N, 1] = gather(table, i)",
        "}",
        "model M() {",
        "  emb = Lookup()",
        "  forward(i: i64[N]) -> [N, 1] = emb(i)",
        "}",
        "data d = csv(\"ids.csv\") {",
        "  id: i64 = cast(row[0], i64)",
        "  y: [1] = row[1..2]",
        "  split train = rows[0..]",
        "}",
        "train M() on d {",
        "  loss = mse(model(id), y)",
        "  optimizer = sgd(lr = 0.1)",
        "}", ""));
    CommandRun r = run("train", f.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(dir.resolve("ids.csv").toAbsolutePath() + ":3: `id` is 3, outside the 3 rows [0, 3) of the "
        + "table it indexes (`gather` at " + f + ":3:"), r.err());
  }
}
