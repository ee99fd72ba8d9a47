package dev.nnet.cli;

import dev.nnet.driver.Compiler;
import dev.nnet.check.LayerInstance;
import dev.nnet.check.TrainingMemory;
import dev.nnet.check.TrainingPlan;
import dev.nnet.ir.TensorType;
import dev.nnet.opt.MemoryPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print each layer's output shape and parameter count, like Keras' model.summary().")
final class SummaryCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "a .nnet file")
  Path file;

  @Override
  public Integer call() {
    Compiler.Result r = SourceLoading.check(file, true, System.err);
    if (r == null || r.hasErrors()) {
      return 1;
    }
    List<LayerInstance> models = r.plans().isEmpty() ? r.models() : r.plans().stream().map(TrainingPlan::model).toList();
    if (models.isEmpty()) {
      System.out.println("no model to summarize: define a `model` whose hyperparameters have defaults, or a `train` block");
    }
    if (r.plans().isEmpty()) {
      for (LayerInstance m : models) {
        System.out.print(render(m));
        long values = m.allParams().stream().filter(p -> p.shape().numel().isConstant())
            .mapToLong(p -> p.shape().numel().constant()).reduce(0, Math::addExact);
        System.out.printf("Parameter memory: %,d bytes (f32, buffers included)%n", Math.multiplyExact(values, 4L));
        if (m.traced() != null) {
          System.out.printf("Activation memory of forward: %s bytes%n", MemoryPlan.of(m.traced()).peakBytes());
        }
      }
    }
    for (TrainingPlan p : r.plans()) {
      System.out.print(render(p.model()));
      System.out.print(memory(TrainingMemory.of(p), p.batchSize()));
    }
    return 0;
  }

  /** The memory lines of a train block: parameters, optimizer state, one step's activations. */
  static String memory(TrainingMemory m, int batch) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Parameter memory: %,d bytes (f32, buffers included)%n", m.parameterBytes()));
    sb.append(String.format("Optimizer state: %,d bytes%n", m.stateBytes()));
    long act = m.activationBytes(batch);
    sb.append(String.format("Activation memory per training step: %s bytes%s%n", m.activationBytes(),
        act < 0 ? "" : String.format(" (%,d at batch %d)", act, batch)));
    return sb.toString();
  }

  static String render(LayerInstance model) {
    StringBuilder sb = new StringBuilder();
    String rule = "-".repeat(72) + "\n";
    sb.append("Model: ").append(model.decl().name()).append('\n').append(rule);
    sb.append(String.format("%-28s %-28s %14s%n", "Layer (type)", "Output shape", "Params"));
    sb.append(rule);
    for (LayerInstance l : model.flatten()) {
      if (l == model) {
        continue;
      }
      String out = l.outputTexts().isEmpty() ? "(not called)" : l.outputTexts().get(0);
      long own = l.params().stream().filter(p -> p.trainable() && p.shape().numel().isConstant())
          .mapToLong(p -> p.shape().numel().constant()).sum();
      sb.append(String.format("%-28s %-28s %,14d%n", l.path() + " (" + l.decl().name() + ")", out, own));
    }
    sb.append(rule);
    TensorType out = model.outputs().isEmpty() ? null : model.outputs().get(0);
    sb.append(String.format("Output: %s%n", out == null ? "(not traced)" : out));
    sb.append(String.format("Total params: %,d%n", model.parameterCount()));
    return sb.toString();
  }
}
