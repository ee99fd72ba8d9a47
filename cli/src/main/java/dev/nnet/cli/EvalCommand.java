package dev.nnet.cli;

import dev.nnet.check.TrainingPlan;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a trained checkpoint on a split of the file's data (loss and metrics).")
final class EvalCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "the .nnet file the model was trained from")
  Path file;

  @Option(names = "--checkpoint", description = "checkpoint file (default: the run directory's)")
  Path checkpoint;

  @Option(names = "--split", defaultValue = "test", description = "which split to evaluate (default: ${DEFAULT-VALUE})")
  String split;

  @Override
  public Integer call() {
    TrainingPlan plan = Plans.load(file);
    if (plan == null) {
      return 1;
    }
    Trainer.Config config = Plans.config(plan, file, null);
    Path ckpt = checkpoint != null ? checkpoint
        : config.save() != null ? Trainer.checkpointFile(config.save()) : null;
    if (ckpt == null) {
      System.err.println("nnet: no checkpoint: pass --checkpoint FILE or set `save` in the train block");
      return 1;
    }
    Dataset data = plan.splits().get(split);
    if (data == null) {
      System.err.println("nnet: no split `" + split + "`; the data has " + plan.splits().keySet());
      return 2;
    }
    Trainer trainer = new Trainer(config, dev.nnet.runtime.train.ProgressBar.toStdout());
    trainer.load(Checkpoint.load(ckpt).tensors());
    System.out.println(split + " " + trainer.evaluate(data));
    return 0;
  }
}
