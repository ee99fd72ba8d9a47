package dev.nnet.cli;

import dev.nnet.check.DataLoadError;
import dev.nnet.check.TrainingMemory;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.SourceFile;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.Map;

/** Compiles a file's train block, loads its data, and turns it into the runtime's trainer configuration. */
final class Plans {
  private Plans() {}

  /** A file's first train block, with the sources its diagnostics point into. */
  record Checked(TrainingPlan plan, Map<String, SourceFile> sources) {
    /**
     * Reads the plan's data and computes its fields on {@code backend}: one data set per split;
     * null after printing why it could not (a located diagnostic, as the checker prints them).
     */
    Map<String, Dataset> loadData(Backend backend) {
      try {
        return plan.data().load(backend);
      } catch (DataLoadError e) {
        SourceLoading.print(e.diagnostic(), sources, System.err);
        return null;
      }
    }
  }

  /** The first train block's plan, or null after printing why there is none. */
  static Checked load(Path file) {
    var r = SourceLoading.check(file, true, System.err);
    if (r == null || r.hasErrors()) {
      return null;
    }
    if (r.plans().isEmpty()) {
      System.err.println("nnet: " + file + " has no `train` block");
      return null;
    }
    return new Checked(r.plans().get(0), r.sources());
  }

  /**
   * Prints a located error and returns false when training {@code plan} would need more memory
   * than the heap has left (checked before anything is allocated).
   */
  static boolean fitsInMemory(Checked checked, int batchSize) {
    Runtime rt = Runtime.getRuntime();
    long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    Diagnostic tooLarge = TrainingMemory.of(checked.plan()).checkFits(batchSize, available);
    if (tooLarge != null) {
      SourceLoading.print(tooLarge, checked.sources(), System.err);
      return false;
    }
    return true;
  }

  /** Run directories named in `save` are relative to the current directory. */
  static Trainer.Config config(TrainingPlan p, Map<String, Dataset> splits, Integer epochs) {
    return p.trainerConfig(splits, epochs, p.savePath() == null ? null : Path.of(p.savePath()));
  }
}
