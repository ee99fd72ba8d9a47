package dev.nnet.cli;

import dev.nnet.runtime.train.Trainer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a trained checkpoint on a split of the file's data (loss and metrics).")
final class EvalCommand implements Callable<Integer> {
  @Mixin
  TrainedModel model;

  @Override
  public Integer call() {
    int[] code = {0};
    TrainedModel.Loaded m = model.load(code);
    if (m == null) {
      return code[0];
    }
    Trainer trainer = m.withWeights(model.split);
    System.out.println(model.split + " " + trainer.evaluate(m.data()));
    return 0;
  }
}
