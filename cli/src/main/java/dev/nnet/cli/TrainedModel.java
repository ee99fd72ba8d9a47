package dev.nnet.cli;

import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.ProgressBar;
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

  @Option(names = "--backend", defaultValue = "reference", converter = BackendConverter.class,
      completionCandidates = BackendConverter.Names.class, description = BackendConverter.DESCRIPTION)
  Backend backend;

  /** A compiled plan with trained weights, the chosen split, and the backend to run on. */
  record Loaded(TrainingPlan plan, Checkpoint checkpoint, Path checkpointFile, Dataset data, Backend backend) {
    /**
     * A trainer of the plan holding the checkpoint's weights, checked against the model (every
     * parameter present, same shape, finite), over the chosen split as {@code split}.
     */
    Trainer withWeights(String split) {
      Trainer trainer = new Trainer(plan.trainerConfig(Map.of(split, data), null, null), backend, ProgressBar.toStdout());
      trainer.load(checkpoint, checkpointFile);
      return trainer;
    }
  }

  /** Resolves the options; on failure prints why and returns null with the exit code in {@code code[0]}. */
  Loaded load(int[] code) {
    Plans.Checked checked = Plans.load(file);
    if (checked == null) {
      code[0] = 1;
      return null;
    }
    TrainingPlan plan = checked.plan();
    Path ckpt = checkpointFile(plan, checkpoint);
    if (ckpt == null) {
      code[0] = 1;
      return null;
    }
    if (plan.data().splits().stream().noneMatch(s -> s.name().equals(split))) {
      System.err.println("nnet: no split `" + split + "`; the data has "
          + plan.data().splits().stream().map(s -> s.name()).toList());
      code[0] = 2;
      return null;
    }
    Map<String, Dataset> splits = checked.loadData(backend);
    if (splits == null) {
      code[0] = 1;
      return null;
    }
    return new Loaded(plan, Checkpoint.load(ckpt), ckpt, splits.get(split), backend);
  }

  /**
   * The checkpoint to read: {@code explicit} if given, else the one in the train block's
   * {@code save} directory (relative to the current directory, as {@code train} writes it); null
   * after printing why there is none.
   */
  static Path checkpointFile(TrainingPlan plan, Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    if (plan.savePath() == null) {
      System.err.println("nnet: no checkpoint: pass --checkpoint FILE or set `save` in the train block");
      return null;
    }
    return Trainer.checkpointFile(Path.of(plan.savePath()));
  }
}
