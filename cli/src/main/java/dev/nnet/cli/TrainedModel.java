package dev.nnet.cli;

import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options that name a trained model and the rows to run it on, shared by {@code eval} and
 * {@code predict} as a picocli mixin, and their resolution to a plan, weights and a data split.
 */
final class TrainedModel {
  @Parameters(paramLabel = "FILE", description = "the .nnet file the model was trained from")
  Path file;

  @Option(names = "--checkpoint", description = "checkpoint file (default: the run directory's)")
  Path checkpoint;

  @Option(names = "--split", defaultValue = "test", description = "which split (default: ${DEFAULT-VALUE})")
  String split;

  /** A compiled plan with trained weights and the chosen split. */
  record Loaded(TrainingPlan plan, Map<String, Tensor> weights, Dataset data) {}

  /** Resolves the options; on failure prints why and returns null with the exit code in {@code code[0]}. */
  Loaded load(int[] code) {
    TrainingPlan plan = Plans.load(file);
    if (plan == null) {
      code[0] = 1;
      return null;
    }
    Path ckpt = checkpoint != null ? checkpoint
        : plan.savePath() != null ? Trainer.checkpointFile(Path.of(plan.savePath())) : null;
    if (ckpt == null) {
      System.err.println("nnet: no checkpoint: pass --checkpoint FILE or set `save` in the train block");
      code[0] = 1;
      return null;
    }
    Dataset data = plan.splits().get(split);
    if (data == null) {
      System.err.println("nnet: no split `" + split + "`; the data has " + plan.splits().keySet());
      code[0] = 2;
      return null;
    }
    return new Loaded(plan, Checkpoint.load(ckpt).tensors(), data);
  }
}
