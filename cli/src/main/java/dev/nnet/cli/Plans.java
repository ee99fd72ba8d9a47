package dev.nnet.cli;

import dev.nnet.check.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Path;

/** Compiles a file's train block and turns it into the runtime's trainer configuration. */
final class Plans {
  private Plans() {}

  /** The first train block's plan, or null after printing why there is none. */
  static TrainingPlan load(Path file) {
    Compiler.Result r = SourceLoading.check(file, true, System.err);
    if (r == null || r.hasErrors()) {
      return null;
    }
    if (r.plans().isEmpty()) {
      System.err.println("nnet: " + file + " has no `train` block");
      return null;
    }
    return r.plans().get(0);
  }

  /** Run directories named in `save` are relative to the current directory. */
  static Trainer.Config config(TrainingPlan p, Path file, Integer epochs) {
    return p.trainerConfig(epochs, p.savePath() == null ? null : Path.of(p.savePath()));
  }
}
