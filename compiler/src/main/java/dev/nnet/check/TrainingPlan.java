package dev.nnet.check;

import dev.nnet.ir.Graph;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.data.Dataset;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to train one {@code train} block: the model instance (for summaries), the
 * training-step graph (params, state, batch, lr) -> (loss, metrics, new params, new state), the
 * evaluation graph (params, batch) -> (loss, metrics, output), the prediction graph (params,
 * model inputs) -> output, the parameters and optimizer state
 * with their initializers, the data splits and the loop settings.
 */
public record TrainingPlan(
    String modelName,
    LayerInstance model,
    Graph step,
    Graph eval,
    Graph predict,
    List<ParamSpec> params,
    List<ParamSpec> optimizerState,
    Map<String, Dataset> splits,
    Map<String, TensorType> fields,
    List<String> metrics,
    double learningRate,
    int epochs,
    int batchSize,
    long seed,
    boolean shuffle,
    int reportEvery,
    String savePath) {

  /** The runtime trainer's configuration; {@code epochsOverride} may be null, {@code save} null for none. */
  public dev.nnet.runtime.train.Trainer.Config trainerConfig(Integer epochsOverride, java.nio.file.Path save) {
    return new dev.nnet.runtime.train.Trainer.Config(modelName, step, eval, params, optimizerState, splits, metrics,
        learningRate, epochsOverride != null ? epochsOverride : epochs, batchSize, seed, shuffle, reportEvery, save);
  }
}
