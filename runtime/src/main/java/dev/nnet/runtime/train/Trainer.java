package dev.nnet.runtime.train;

import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.CompiledGraph;
import dev.nnet.runtime.checkpoint.Checkpoint;
import dev.nnet.runtime.checkpoint.CheckpointError;
import dev.nnet.runtime.data.BatchIterator;
import dev.nnet.runtime.data.Batches;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.interpreter.Executor;
import dev.nnet.runtime.interpreter.Profile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training loop around a compiled step: initializes parameters from their specs, runs the
 * step graph over shuffled mini-batches for each epoch, evaluates the validation split after
 * each epoch, and writes a checkpoint atomically at the end of every epoch (so a crash loses at
 * most the epoch in progress).
 *
 * <p>The loop knows the graphs only through their {@link Signature}s: it feeds the input slots by
 * role (values it keeps, the batch's fields, the scalars {@code lr}, {@code epoch} and
 * {@code step}), reads the loss and metrics by role, and puts each update in place of the input it
 * replaces. The graphs run on a {@link Backend}.
 */
public final class Trainer {
  /**
   * What to train and how. Progress is shown for every {@code reportEvery}-th epoch (and the last);
   * {@code save} may be null (no checkpoints). {@code params} are the model's parameters and buffers
   * and {@code state} the optimizer's state, each with its initializer.
   */
  public record Config(
      String modelName,
      Graph step,
      Signature stepSignature,
      Graph eval,
      Signature evalSignature,
      List<ParamSpec> params,
      List<ParamSpec> state,
      Map<String, Dataset> splits,
      double learningRate,
      int epochs,
      int batchSize,
      long seed,
      boolean shuffle,
      int reportEvery,
      Path save) {}

  /** The scalar input slot of the learning rate (f32). */
  public static final String SCALAR_LR = "lr";
  /** The scalar input slot of the epoch counter (i64, 0-based). */
  public static final String SCALAR_EPOCH = "epoch";
  /** The scalar input slot of the step counter within the epoch (i64, 0-based). */
  public static final String SCALAR_STEP = "step";

  /** Checkpoint metadata: the model's name. */
  public static final String META_MODEL = "model";
  /** Checkpoint metadata: how many epochs were complete when it was saved. */
  public static final String META_EPOCH = "epoch";
  /** Checkpoint metadata: the run's seed, which shuffling and random draws derive from. */
  public static final String META_SEED = "seed";
  /** Checkpoint metadata: the last epoch's mean training loss, as Java prints a double (exact). */
  public static final String META_TRAIN_LOSS = "train_loss";

  /** Loss and metrics of one pass over a split. */
  public record Scores(double loss, Map<String, Double> metrics) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(String.format("loss %.4f", loss));
      metrics.forEach((k, v) -> sb.append(String.format(" %s %.4f", k, v)));
      return sb.toString();
    }
  }

  /**
   * One epoch's results; {@code val} is null without a validation split (or when the epoch was not
   * reported). {@code seconds} is the time spent in training steps (batch gather, step, update), not
   * in validation, as in the PyTorch baselines.
   */
  public record Epoch(int epoch, Scores train, Scores val, double seconds, int samples) {}

  /** Training samples per second over the epochs after the first (which includes JIT warm-up). */
  public static double throughput(List<Epoch> history) {
    double seconds = timedSeconds(history);
    long samples = timedEpochs(history).stream().mapToLong(Epoch::samples).sum();
    return seconds > 0 ? samples / seconds : 0;
  }

  /** Time in training steps over the epochs after the first (all of them if there is one). */
  public static double timedSeconds(List<Epoch> history) {
    return timedEpochs(history).stream().mapToDouble(Epoch::seconds).sum();
  }

  private static List<Epoch> timedEpochs(List<Epoch> history) {
    return history.size() > 1 ? history.subList(1, history.size()) : history;
  }

  private final Config config;
  private final ProgressBar progress;
  private final CompiledGraph step;
  private final CompiledGraph eval;
  private final Map<String, Tensor> values = new LinkedHashMap<>();
  private Profile stepProfile;
  /** The first epoch {@link #fit} runs (0-based): 0, or the epochs a resumed checkpoint completed. */
  private int startEpoch;

  /** A trainer whose graphs run on {@code backend}. */
  public Trainer(Config config, Backend backend, ProgressBar progress) {
    this.config = config;
    this.progress = progress;
    this.step = backend.compile(config.step(), config.stepSignature());
    this.eval = backend.compile(config.eval(), config.evalSignature());
    SplittableRandom init = new SplittableRandom(config.seed());
    for (ParamSpec p : config.params()) {
      values.put(p.name(), p.init().create(p.shape().sizes(), init));
    }
    for (ParamSpec p : config.state()) {
      values.put(p.name(), p.init().create(p.shape().sizes(), init));
    }
  }

  /**
   * Replaces the model's parameters and buffers with a checkpoint's (to evaluate or fine-tune);
   * the optimizer state stays fresh. Every parameter must be in the checkpoint with the model's
   * dtype and shape, and hold only finite numbers.
   *
   * @param file where the checkpoint was read from, for messages
   * @throws CheckpointError naming the file and the first parameter that does not fit
   */
  public void load(Checkpoint checkpoint, Path file) {
    values.putAll(CheckpointMatch.tensors(checkpoint, file, config.params(), values, config.modelName()));
  }

  /**
   * Continues the run a checkpoint of {@link #fit} saved: parameters, buffers and optimizer state
   * from it, and {@link #fit} starts at the epoch after the saved one. Shuffle order and random
   * draws are functions of (seed, epoch, step), so the resumed run computes exactly what an
   * uninterrupted one would have, provided the seed is the same (checked).
   *
   * @return the number of epochs the checkpoint had completed
   * @throws CheckpointError if the checkpoint belongs to another model, seed or shape of model
   */
  public int resume(Checkpoint checkpoint, Path file) {
    int epoch = CheckpointMatch.completedEpochs(checkpoint, file, config.modelName(), config.seed());
    Map<String, Tensor> params = CheckpointMatch.tensors(checkpoint, file, config.params(), values, config.modelName());
    values.putAll(CheckpointMatch.tensors(checkpoint, file, config.state(), values, config.modelName()));
    values.putAll(params);
    startEpoch = epoch;
    return epoch;
  }

  /**
   * Times every kernel of the training steps from now on (a little overhead per node), leaving out
   * the first epoch, which warms up the JIT, as {@link #throughput} and {@link #timedSeconds} do;
   * the result is {@link #stepProfile()}.
   */
  public void enableProfiling() {
    stepProfile = new Profile(config.step());
  }

  /** The kernel times of the training steps since {@link #enableProfiling()}, or null. */
  public Profile stepProfile() {
    return stepProfile;
  }

  /**
   * Current parameter (and optimizer state) values by name. The tensors are valid until the next
   * training step, which reuses their memory (as PyTorch updates parameters in place); copy them to
   * keep them.
   */
  public Map<String, Tensor> values() {
    return values;
  }

  /**
   * Trains from the start epoch (0, or where {@link #resume} left off) to the configured number of
   * epochs; returns the history of the epochs it ran (empty when a resumed run was already
   * complete).
   *
   * @throws NumericalFault when a step's loss or an update is NaN or infinite: training stops at
   *     once, the step's results are discarded and the last epoch's checkpoint stays as it was
   */
  public List<Epoch> fit() {
    Dataset train = config.splits().get("train");
    if (train == null) {
      throw new IllegalArgumentException("the data has no `train` split; it has " + config.splits().keySet());
    }
    IndexFieldCheck.check(config.step(), config.stepSignature(), train, "train");
    if (config.save() != null) {
      Checkpoint.removeInterruptedSaves(checkpointFile(config.save()));
    }
    Batches batches = Batches.of(train, config.batchSize());
    batches = config.shuffle() ? batches.shuffled(config.seed()) : batches.inOrder();
    Tensor lr = Tensor.scalar((float) config.learningRate());
    String lossSlot = lossSlot(step);
    List<Signature.OutputSlot> updates = step.signature().outputs(Signature.OutputRole.UPDATE);
    java.util.List<Epoch> history = new java.util.ArrayList<>();
    int first = startEpoch;
    for (int e = first; e < config.epochs(); e++) {
      boolean report = (e + 1) % Math.max(1, config.reportEvery()) == 0 || e + 1 == config.epochs();
      if (report) {
        progress.startEpoch(e + 1, config.epochs(), batches.count());
      }
      ScoreSums sums = new ScoreSums(lossSlot, metricSlots(step));
      long start = System.nanoTime();
      BatchIterator it = batches.epoch(e);
      boolean timed = e > first || config.epochs() - first == 1; // the first epoch warms up the JIT
      for (int s = 0; it.hasNext(); s++) {
        Dataset batch = it.next();
        Map<String, Tensor> feeds = new LinkedHashMap<>(values);
        feeds.putAll(batch.columns());
        feeds.put(SCALAR_LR, lr);
        feeds.put(SCALAR_EPOCH, Tensor.ofLongs(new long[] {e}));
        feeds.put(SCALAR_STEP, Tensor.ofLongs(new long[] {s}));
        long key = StepSeeds.training(config.seed(), e, s);
        Map<String, Tensor> out = step.run(feeds, key, timed ? stepProfile : null);
        String fault = nonFinite(out, lossSlot, updates);
        if (fault != null) {
          throw diagnose(fault, feeds, key, e, s);
        }
        int n = batch.size();
        double loss = sums.add(out, n);
        for (Signature.OutputSlot u : updates) {
          Tensor v = out.get(u.name());
          Tensor replaced = values.put(u.replaces(), v);
          if (replaced != null && v.dtype() != DType.I64 && replaced.dtype() == v.dtype()
              && replaced.floats() != v.floats()) {
            step.recycle(replaced); // the next step writes into it: no allocation per step
          }
        }
        if (report) {
          progress.step(n, loss);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Scores trainScores = sums.mean();
      Dataset val = config.splits().get("val");
      Scores valScores = val == null || !report ? null : evaluate(val);
      if (report) {
        progress.endEpoch("train " + trainScores + (valScores == null ? "" : " | val " + valScores));
      }
      history.add(new Epoch(e + 1, trainScores, valScores, seconds, sums.rows));
      if (config.save() != null) {
        checkpoint(e + 1, trainScores);
      }
      startEpoch = e + 1;
    }
    return history;
  }

  /** The first of the loss and the updates that holds NaN or infinity, described; null when all are finite. */
  private static String nonFinite(Map<String, Tensor> out, String lossSlot, List<Signature.OutputSlot> updates) {
    Tensor loss = out.get(lossSlot);
    if (loss.firstNonFinite() >= 0) {
      return "the loss is " + loss.getFlat(loss.firstNonFinite());
    }
    for (Signature.OutputSlot u : updates) {
      Tensor v = out.get(u.name());
      int i = v.firstNonFinite();
      if (i >= 0) {
        return "the update of `" + u.replaces() + "` holds " + v.getFlat(i) + " at element " + i;
      }
    }
    return null;
  }

  /**
   * Re-runs the faulty step on the reference interpreter node by node (its inputs are intact: the
   * step's updates were not applied) to find the op and line where the first non-finite value
   * appears. Only after a fault, so normal steps pay for the check of the loss and updates alone.
   */
  private NumericalFault diagnose(String fault, Map<String, Tensor> feeds, long key, int epoch, int step) {
    Node first = new Executor(config.step()).firstNonFinite(feeds, key);
    String kept = config.save() == null ? "nothing was saved (the train block has no `save`)"
        : epoch == 0 ? "no checkpoint was written (the fault is in the first epoch)"
        : "the checkpoint of epoch " + epoch + " is kept: " + checkpointFile(config.save());
    return new NumericalFault(fault, first == null ? null : first.op().text(),
        first == null ? null : first.span(), epoch + 1, step, kept);
  }

  /** Loss and metrics over a whole split, in evaluation mode. */
  public Scores evaluate(Dataset data) {
    IndexFieldCheck.check(config.eval(), config.evalSignature(), data, "evaluated");
    Batches batches = Batches.of(data, Math.max(config.batchSize(), 256)).inOrder();
    ScoreSums sums = new ScoreSums(lossSlot(eval), metricSlots(eval));
    BatchIterator it = batches.epoch(0);
    for (int b = 0; it.hasNext(); b++) {
      Dataset batch = it.next();
      Map<String, Tensor> feeds = new LinkedHashMap<>(values);
      feeds.putAll(batch.columns());
      Map<String, Tensor> out = eval.run(feeds, StepSeeds.evaluation(b));
      sums.add(out, batch.size());
    }
    return sums.mean();
  }

  private static String lossSlot(CompiledGraph g) {
    List<Signature.OutputSlot> loss = g.signature().outputs(Signature.OutputRole.LOSS);
    if (loss.size() != 1) {
      throw new IllegalArgumentException("a training graph has one loss output, this one has " + loss.size());
    }
    return loss.get(0).name();
  }

  private static List<String> metricSlots(CompiledGraph g) {
    return g.signature().outputs(Signature.OutputRole.METRIC).stream().map(Signature.OutputSlot::name).toList();
  }

  /** Batch-size-weighted sums of the loss and metrics over a pass, for their means per row. */
  private static final class ScoreSums {
    private final String loss;
    private final List<String> metrics;
    private final Map<String, Double> metricSums = new LinkedHashMap<>();
    private double lossSum;
    private int rows;

    ScoreSums(String loss, List<String> metrics) {
      this.loss = loss;
      this.metrics = metrics;
    }

    /** Adds one batch's outputs; returns its loss. */
    double add(Map<String, Tensor> outputs, int n) {
      double batchLoss = outputs.get(loss).item();
      lossSum += batchLoss * n;
      for (String m : metrics) {
        metricSums.merge(m, outputs.get(m).item() * n, Double::sum);
      }
      rows += n;
      return batchLoss;
    }

    Scores mean() {
      Map<String, Double> means = new LinkedHashMap<>();
      metricSums.forEach((k, v) -> means.put(k, v / Math.max(1, rows)));
      return new Scores(lossSum / Math.max(1, rows), means);
    }
  }

  /** Writes parameters and optimizer state to {@code save/checkpoint.nnetckpt}, atomically. */
  private void checkpoint(int epoch, Scores train) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(META_MODEL, config.modelName());
    meta.put(META_EPOCH, Integer.toString(epoch));
    meta.put(META_SEED, Long.toString(config.seed()));
    meta.put(META_TRAIN_LOSS, Double.toString(train.loss()));
    new Checkpoint(values, meta).save(checkpointFile(config.save()));
  }

  /** Where checkpoints of a run directory live. */
  public static Path checkpointFile(Path runDir) {
    return runDir.resolve("checkpoint.nnetckpt");
  }
}
