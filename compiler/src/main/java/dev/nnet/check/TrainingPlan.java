package dev.nnet.check;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to train one {@code train} block, worked out without reading data: the model
 * instance (for summaries); three graphs, each with the {@link Signature} that says what its inputs
 * and outputs are: the training step (parameters, state, optimizer state, batch, {@code lr},
 * {@code epoch}, {@code step}) -> (loss, metrics, updates), the evaluation graph (parameters,
 * batch) -> (loss, metrics, output) and the prediction graph (parameters, model inputs) -> output;
 * the parameters and optimizer state with their initializers; how to load the data; and the loop
 * settings.
 */
public record TrainingPlan(
    String modelName,
    LayerInstance model,
    Graph step,
    Signature stepSignature,
    Graph eval,
    Signature evalSignature,
    Graph predict,
    Signature predictSignature,
    List<ParamSpec> params,
    List<ParamSpec> optimizerState,
    DataPlan data,
    double learningRate,
    int epochs,
    int batchSize,
    long seed,
    boolean shuffle,
    int reportEvery,
    String savePath) {

  /** Each data field's per-sample type. */
  public Map<String, TensorType> fields() {
    return data.fieldTypes();
  }

  /** The metric names, in the order they are reported. */
  public List<String> metrics() {
    return evalSignature.outputs(Signature.OutputRole.METRIC).stream().map(Signature.OutputSlot::name).toList();
  }

  /**
   * The runtime trainer's configuration over {@code splits} (the loaded data, see
   * {@link DataPlan#load}); {@code epochsOverride} may be null, {@code save} null for none.
   */
  public Trainer.Config trainerConfig(Map<String, Dataset> splits, Integer epochsOverride, Path save) {
    return new Trainer.Config(modelName, step, stepSignature, eval, evalSignature, params, optimizerState, splits,
        learningRate, epochsOverride != null ? epochsOverride : epochs, batchSize, seed, shuffle, reportEvery, save);
  }
}
