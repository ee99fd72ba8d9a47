package dev.nnet.runtime.train;

import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.checkpoint.CheckpointError;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a checkpoint fits the run that loads it: the same model and seed, every tensor present
 * with the model's dtype and shape, only finite numbers. A checkpoint that does not fit is one
 * {@link CheckpointError} naming the file and the first parameter at fault, before any value of
 * the run is replaced (loading used to take whatever names matched, silently).
 */
final class CheckpointMatch {
  private CheckpointMatch() {}

  /**
   * The epochs the checkpoint completed, after checking that it belongs to {@code model} and was
   * trained with {@code seed} (a checkpoint from before these were recorded passes).
   */
  static int completedEpochs(Checkpoint checkpoint, Path file, String model, long seed) {
    Map<String, String> meta = checkpoint.metadata();
    String savedModel = meta.get(Trainer.META_MODEL);
    if (savedModel != null && !savedModel.equals(model)) {
      throw CheckpointError.of(file, "belongs to model `" + savedModel + "`, not `" + model
          + "`; point `save` at another run directory or delete the checkpoint to start afresh");
    }
    String savedSeed = meta.get(Trainer.META_SEED);
    if (savedSeed != null && !savedSeed.equals(Long.toString(seed))) {
      throw CheckpointError.of(file, "was trained with seed " + savedSeed + ", this run has seed " + seed
          + ": resuming would not reproduce the run; set `seed = " + savedSeed + "` or train afresh without --resume");
    }
    String text = meta.get(Trainer.META_EPOCH);
    try {
      int epoch = text == null ? -1 : Integer.parseInt(text);
      if (epoch >= 0) {
        return epoch;
      }
    } catch (NumberFormatException ignored) {
      // reported below, as a missing count is
    }
    throw CheckpointError.of(file, "has no valid completed-epoch count (metadata `epoch` is "
        + (text == null ? "missing" : "\"" + text + "\"") + "), so training cannot resume from it; "
        + "train afresh without --resume");
  }

  /**
   * The checkpoint's tensors for {@code specs}, each checked against the run's current value of
   * the same name ({@code current}): present, same dtype and shape, finite.
   */
  static Map<String, Tensor> tensors(Checkpoint checkpoint, Path file, List<ParamSpec> specs, Map<String, Tensor> current,
      String model) {
    Map<String, Tensor> taken = new LinkedHashMap<>();
    for (ParamSpec p : specs) {
      Tensor mine = current.get(p.name());
      Tensor saved = checkpoint.tensors().get(p.name());
      if (saved == null) {
        throw CheckpointError.of(file, "has no tensor `" + p.name() + "`, which model `" + model
            + "` has: it belongs to a different model (or an older version of this one); train afresh or "
            + "point at this model's checkpoint");
      }
      if (saved.dtype() != mine.dtype() || !Arrays.equals(saved.shape(), mine.shape())) {
        throw CheckpointError.of(file, "parameter `" + p.name() + "` is " + describe(saved) + " in the checkpoint but "
            + describe(mine) + " in model `" + model
            + "`: the checkpoint belongs to a differently shaped model; train afresh or point at this model's checkpoint");
      }
      int bad = saved.firstNonFinite();
      if (bad >= 0) {
        throw CheckpointError.of(file, "parameter `" + p.name() + "` holds " + saved.getFlat(bad) + " at element "
            + bad + ": the run that saved it had diverged; use an earlier checkpoint or train afresh");
      }
      taken.put(p.name(), saved);
    }
    return taken;
  }

  /** {@code f32[3, 2]}. */
  private static String describe(Tensor t) {
    return t.dtype().name().toLowerCase(Locale.ROOT) + Arrays.toString(t.shape());
  }
}
