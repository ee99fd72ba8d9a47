import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.backend.CompiledGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Batch-1 inference latency of a model's prediction graph in a warm JVM, on every backend, beside
 * a hand-written GEMV chain of the same Linear layers (the floor a generated MLP should approach).
 * Reads no data (random weights and input). Prints medians and the ratios.
 */
public class InferLatency {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/fashion/mlp.nnet");
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    if (r.hasErrors()) {
      throw new IllegalStateException(file + " has errors: " + r.diagnostics());
    }
    TrainingPlan plan = r.plans().get(0);
    SplittableRandom rng = new SplittableRandom(1);
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (ParamSpec p : plan.params()) {
      feeds.put(p.name(), p.init().create(p.shape().sizes(), rng));
    }
    Signature.InputSlot in = plan.predictSignature().inputs(Signature.InputRole.BATCH).get(0);
    int[] shape = in.type().shape().dims().stream().mapToInt(d -> d.isConstant() ? (int) d.constant() : 1).toArray();
    float[] x = new float[(int) Tensor.numel(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
    }
    feeds.put(in.name(), Tensor.of(x, shape));
    Map<String, Double> medians = new LinkedHashMap<>();
    for (Backend b : Backends.all()) {
      CompiledGraph g = b.compile(plan.predict(), plan.predictSignature());
      medians.put(b.name(), median(calls, () -> g.run(feeds, 0)));
    }
    // Batch 256, as PyTorch's infer_mlp.py measures throughput: the same feeds with 256 rows.
    int[] batchShape = shape.clone();
    batchShape[0] = 256;
    float[] xs = new float[(int) Tensor.numel(batchShape)];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) rng.nextDouble();
    }
    Map<String, Tensor> batchFeeds = new LinkedHashMap<>(feeds);
    batchFeeds.put(in.name(), Tensor.of(xs, batchShape));
    Map<String, Double> throughput = new LinkedHashMap<>();
    for (Backend b : Backends.all()) {
      CompiledGraph g = b.compile(plan.predict(), plan.predictSignature());
      throughput.put(b.name(), 256 / (median(Math.max(50, calls / 100), () -> g.run(batchFeeds, 0)) * 1e-6));
    }
    double gemv = gemvChain(feeds, x, calls);
    medians.forEach((name, us) -> System.out.printf("%-10s %8.1f us per batch-1 forward%n", name, us));
    throughput.forEach((name, sps) -> System.out.printf("%-10s %8.0f samples/s at batch 256%n", name, sps));
    System.out.printf("%-10s %8.1f us (hand-written GEMV chain of the Linear layers, one thread)%n", "gemv", gemv);
    if (medians.containsKey("java")) {
      System.out.printf("ratio java/reference: %.2f, java/gemv: %.2f%n", medians.get("java") / medians.get("reference"),
          medians.get("java") / gemv);
    }
  }

  /** Median microseconds of {@code calls} runs after as many warm-up runs. */
  private static double median(int calls, Runnable run) {
    for (int i = 0; i < calls; i++) {
      run.run();
    }
    double[] us = new double[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      run.run();
      us[i] = (System.nanoTime() - t0) / 1e3;
    }
    Arrays.sort(us);
    return us[calls / 2];
  }

  /** y = relu(W x + b) for each `*.weight`/`*.b` pair in order, no ReLU after the last. */
  private static double gemvChain(Map<String, Tensor> feeds, float[] x, int calls) {
    java.util.List<float[]> ws = new java.util.ArrayList<>();
    java.util.List<float[]> bs = new java.util.ArrayList<>();
    java.util.List<int[]> dims = new java.util.ArrayList<>();
    feeds.forEach((name, t) -> {
      if (name.endsWith(".weight") && t.rank() == 2) {
        ws.add(t.floats());
        dims.add(t.shape());
        bs.add(feeds.get(name.substring(0, name.length() - ".weight".length()) + ".b").floats());
      }
    });
    return median(calls, () -> {
      float[] v = x;
      for (int l = 0; l < ws.size(); l++) {
        int out = dims.get(l)[0];
        int inDim = dims.get(l)[1];
        float[] w = ws.get(l);
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
          float s = bs.get(l)[o];
          for (int k = 0; k < inDim; k++) {
            s += w[o * inDim + k] * v[k];
          }
          y[o] = l < ws.size() - 1 ? Math.max(s, 0f) : s;
        }
        v = y;
      }
    });
  }
}
