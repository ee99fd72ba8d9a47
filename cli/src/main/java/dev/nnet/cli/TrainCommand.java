package dev.nnet.cli;

import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.interpreter.Profile;
import dev.nnet.runtime.train.NumericalFault;
import dev.nnet.runtime.train.ProgressBar;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the model of a file's `train` block on its data; report the test split at the end.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "a .nnet file with a `train` block")
  Path file;

  @Option(names = "--epochs", description = "override the number of epochs")
  Integer epochs;

  @Option(names = "--resume", description = "continue from the run directory's checkpoint, at the epoch after the saved "
      + "one, with its optimizer state: the result equals an uninterrupted run's")
  boolean resume;

  @Option(names = "--profile",
      description = "time every kernel of the training step and print where the time went")
  boolean profile;

  @Option(names = "--backend", defaultValue = "reference", converter = BackendConverter.class,
      completionCandidates = BackendConverter.Names.class, description = BackendConverter.DESCRIPTION)
  Backend backend;

  @Override
  public Integer call() {
    Plans.Checked checked = Plans.load(file);
    if (checked == null) {
      return 1;
    }
    Map<String, Dataset> splits = checked.loadData(backend);
    if (splits == null) {
      return 1;
    }
    TrainingPlan plan = checked.plan();
    Trainer.Config config = Plans.config(plan, splits, epochs);
    // A batch is never larger than the split it comes from.
    Dataset train = splits.get("train");
    int batch = train == null ? config.batchSize() : Math.max(1, Math.min(config.batchSize(), train.size()));
    if (!Plans.fitsInMemory(checked, batch)) {
      return 1;
    }
    Trainer trainer = new Trainer(config, backend, ProgressBar.toStdout());
    if (resume) {
      if (config.save() == null) {
        System.err.println("nnet: --resume needs a run directory: set `save = \"runs/NAME\"` in the train block");
        return 2;
      }
      Path ckpt = Trainer.checkpointFile(config.save());
      if (Files.exists(ckpt)) {
        int done = trainer.resume(Checkpoint.load(ckpt), ckpt);
        System.out.println("resumed from " + ckpt + " after epoch " + done + " of " + config.epochs());
        if (done >= config.epochs()) {
          System.out.println("the run is complete; pass --epochs N with N > " + done + " to train further");
        }
      } else {
        System.out.println("no checkpoint at " + ckpt + " yet; training from the start");
      }
    }
    if (profile) {
      trainer.enableProfiling();
    }
    List<Trainer.Epoch> history;
    try {
      history = trainer.fit();
    } catch (NumericalFault e) {
      System.out.flush();
      System.err.println(e.getMessage());
      return 1;
    }
    if (profile) {
      Profile p = trainer.stepProfile();
      System.out.print(p.table(15));
      System.out.printf("outside kernels (batches, executor bookkeeping): %.3f ms per step%n",
          (Trainer.timedSeconds(history) * 1e9 - p.totalNanos()) / 1e6 / Math.max(1, p.runs()));
    }
    if (!history.isEmpty()) {
      System.out.printf("train_throughput: %.0f samples/s (epochs 2..%d)%n", Trainer.throughput(history), history.size());
    }
    Dataset test = splits.get("test");
    if (test != null) {
      System.out.println("test " + trainer.evaluate(test));
    }
    if (config.save() != null) {
      System.out.println("saved " + Trainer.checkpointFile(config.save()));
    }
    return 0;
  }
}
