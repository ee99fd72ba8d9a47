package dev.nnet.cli;

import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.interpreter.Profile;
import dev.nnet.runtime.train.ProgressBar;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Option(names = "--resume", description = "continue from the run directory's checkpoint")
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
    Trainer trainer = new Trainer(config, backend, ProgressBar.toStdout());
    if (resume && config.save() != null && Files.exists(Trainer.checkpointFile(config.save()))) {
      trainer.load(Checkpoint.load(Trainer.checkpointFile(config.save())).tensors());
      System.out.println("resumed from " + Trainer.checkpointFile(config.save()));
    }
    if (profile) {
      trainer.enableProfiling();
    }
    var history = trainer.fit();
    if (profile) {
      Profile p = trainer.stepProfile();
      System.out.print(p.table(15));
      System.out.printf("outside kernels (batches, executor bookkeeping): %.3f ms per step%n",
          (Trainer.timedSeconds(history) * 1e9 - p.totalNanos()) / 1e6 / Math.max(1, p.runs()));
    }
    System.out.printf("train_throughput: %.0f samples/s (epochs 2..%d)%n", Trainer.throughput(history), history.size());
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
