package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real training process at random moments, then {@code train --resume}, ends
 * with exactly the parameters, optimizer state and losses of a run that was never interrupted.
 * The example is XOR made to exercise everything a resume must restore: shuffled batches of two
 * (the update order depends on the shuffle), dropout (the random stream), SGD momentum (optimizer
 * state). An epoch takes well under a millisecond and ends with a checkpoint written with fsync, so
 * most kills land in the middle of a checkpoint write.
 */
class ResumeAfterKillTest {
  private static final int EPOCHS = 300;
  private static final int KILLS = 3;

  @TempDir
  Path dir;

  @Test
  void killedAndResumedRunEndsExactlyAsAnUninterruptedOne() throws Exception {
    Path whole = example(dir.resolve("whole"));
    Path killed = example(dir.resolve("killed"));
    Process reference = start(whole, true);
    long trainingStarts = awaitProgress(reference, whole, 0);
    assertEquals(0, finish(reference, whole), () -> log(whole));
    long window = Math.max(20, (System.nanoTime() - trainingStarts) / 1_000_000);

    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Integer> epochsAfterKills = new ArrayList<>();
    int midWrite = 0; // kills that left a half-written checkpoint behind (by chance: not asserted)
    for (int k = 0; k < KILLS; k++) {
      int before = savedEpoch(killed);
      Process p = start(killed, true);
      awaitProgress(p, killed, before);
      // Each kill lands within a third of the remaining training time after the process's first
      // epoch: in a step, in validation or in a checkpoint write, wherever the random delay falls.
      if (!p.waitFor(random.nextLong(window / KILLS), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        p.waitFor(10, TimeUnit.SECONDS);
      }
      epochsAfterKills.add(savedEpoch(killed));
      midWrite += tempFiles(killed);
    }
    Process last = start(killed, true);
    assertEquals(0, finish(last, killed), () -> log(killed));

    String context = "kill seed " + seed + ", epochs saved after each kill " + epochsAfterKills + ", temp files left by kills "
        + midWrite + "\n" + log(killed);
    assertTrue(epochsAfterKills.stream().anyMatch(e -> e > 0 && e < EPOCHS),
        () -> "no kill landed during training, so nothing was resumed; " + context);
    Checkpoint expected = Checkpoint.load(Trainer.checkpointFile(whole.resolve("runs/xor")));
    Checkpoint actual = Checkpoint.load(Trainer.checkpointFile(killed.resolve("runs/xor")));
    assertEquals(expected.metadata(), actual.metadata(), context); // epoch, seed and the last epoch's loss
    assertEquals(expected.tensors().keySet(), actual.tensors().keySet(), context);
    for (Map.Entry<String, Tensor> e : expected.tensors().entrySet()) {
      assertArrayEquals(e.getValue().floats(), actual.tensor(e.getKey()).floats(), e.getKey() + ": " + context);
    }
    assertTrue(log(killed).contains("resumed from"), context);
    System.out.println("ResumeAfterKillTest: " + context.lines().findFirst().orElse(""));
    try (Stream<Path> files = Files.list(killed.resolve("runs/xor"))) {
      assertEquals(List.of("checkpoint.nnetckpt"), files.map(f -> f.getFileName().toString()).toList(),
          "the temp files of interrupted saves are cleaned up; " + context);
    }
  }

  @Test
  void resumingAFinishedRunTrainsNoFurther() throws Exception {
    Path run = example(dir.resolve("done"));
    assertEquals(0, finish(start(run, false, "--epochs", "20"), run), () -> log(run));
    byte[] before = Files.readAllBytes(Trainer.checkpointFile(run.resolve("runs/xor")));
    assertEquals(0, finish(start(run, true, "--epochs", "20"), run), () -> log(run));
    assertTrue(log(run).contains("after epoch 20 of 20"), () -> log(run));
    assertTrue(!log(run).contains("epoch 1/20"), () -> log(run));
    assertArrayEquals(before, Files.readAllBytes(Trainer.checkpointFile(run.resolve("runs/xor"))));
  }

  /** examples/xor with shuffling, batches of two and dropout, in its own directory. */
  private static Path example(Path to) throws IOException {
    Path xor = Path.of("..", "examples", "xor");
    Files.createDirectories(to);
    Files.copy(xor.resolve("xor.csv"), to.resolve("xor.csv"));
    String source = Files.readString(xor.resolve("xor.nnet"))
        .replace("shuffle = false", "shuffle = true")
        .replace("batch = 4", "batch = 2")
        .replace("|> hidden |> sigmoid |>", "|> hidden |> sigmoid |> dropout(0.1) |>");
    assertTrue(source.contains("shuffle = true") && source.contains("dropout(0.1)"), "examples/xor changed: " + source);
    Files.writeString(to.resolve("xor.nnet"), source);
    return to;
  }

  private static Process start(Path run, boolean resume, String... more) throws IOException {
    // C1 only and the serial collector: these runs are short, so start-up dominates them, and the
    // numbers do not depend on the JIT (Java floating point is strict).
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "train", "xor.nnet"));
    if (more.length == 0) {
      command.addAll(List.of("--epochs", Integer.toString(EPOCHS)));
    }
    command.addAll(List.of(more));
    if (resume) {
      command.add("--resume");
    }
    return new ProcessBuilder(command).directory(run.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(run.resolve("log.txt").toFile())).start();
  }

  /**
   * Waits until the process has saved an epoch of its own (the run directory's checkpoint is past
   * {@code before}), so that the kill that follows lands in training, not in JVM start-up or
   * compilation, which take most of a short run on a loaded machine; returns that time.
   */
  private static long awaitProgress(Process p, Path run, int before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive() && savedEpoch(run) <= before) {
      Thread.sleep(2);
    }
    return System.nanoTime();
  }

  private static int finish(Process p, Path run) throws InterruptedException {
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("training did not finish in 60 s\n" + log(run));
    }
    return p.exitValue();
  }

  /** The temp files of interrupted checkpoint writes in the run directory. */
  private static int tempFiles(Path run) throws IOException {
    try (Stream<Path> files = Files.list(run.resolve("runs/xor"))) {
      return (int) files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    }
  }

  /** The epochs the run directory's checkpoint has completed, 0 without one. */
  private static int savedEpoch(Path run) {
    Path file = Trainer.checkpointFile(run.resolve("runs/xor"));
    return Files.exists(file) ? Integer.parseInt(Checkpoint.load(file).metadata().get(Trainer.META_EPOCH)) : 0;
  }

  private static String log(Path run) {
    try {
      return Files.readString(run.resolve("log.txt"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
