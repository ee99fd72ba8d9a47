package dev.nnet.cli;

import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Op;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.backend.CompiledGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Run a trained model (evaluation mode) on rows of a split and print its outputs; for a "
        + "classifier (trained with cross_entropy or measured by accuracy), the predicted class and the label.")
final class PredictCommand implements Callable<Integer> {
  @Mixin
  TrainedModel model;

  @Option(names = "--limit", defaultValue = "10", description = "how many rows (default: ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    int[] code = {0};
    TrainedModel.Loaded m = model.load(code);
    if (m == null) {
      return code[0];
    }
    Dataset data = m.data();
    Dataset rows = data.slice(0, Math.min(Math.max(0, limit), data.size()));
    Map<String, Tensor> feeds = new LinkedHashMap<>(m.withWeights(model.split).values());
    feeds.putAll(rows.columns());
    CompiledGraph predict = m.backend().compile(m.plan().predict(), m.plan().predictSignature());
    String output = predict.signature().outputs(Signature.OutputRole.OUTPUT).get(0).name();
    Tensor out = predict.run(feeds, 0).get(output);
    Tensor labels = rows.names().contains("label") ? rows.column("label") : null;
    int n = rows.size();
    int width = out.size() / Math.max(1, n);
    boolean classes = out.rank() == 2 && width > 1 && classifies(m.plan().eval());
    for (int r = 0; r < n; r++) {
      StringBuilder sb = new StringBuilder("row " + r + ": ");
      if (classes) {
        int best = 0;
        for (int c = 1; c < width; c++) {
          if (out.getFlat(r * width + c) > out.getFlat(r * width + best)) {
            best = c;
          }
        }
        sb.append("class ").append(best);
      } else {
        for (int c = 0; c < width; c++) {
          sb.append(c == 0 ? "" : " ").append(String.format("%.4f", out.getFlat(r * width + c)));
        }
      }
      if (labels != null && labels.dtype() == DType.I64 && labels.size() == n) {
        sb.append("  (label ").append(labels.longs()[r]).append(')');
      }
      System.out.println(sb);
    }
    return 0;
  }

  /**
   * Whether the model is trained as a classifier: its evaluation takes a class (an argmax, as
   * {@code accuracy} does) or compares against class indices (a one-hot, as {@code cross_entropy}
   * does). Otherwise several outputs per row are values (a regression, an autoencoder) and are printed as such.
   */
  static boolean classifies(Graph eval) {
    return eval.nodes().stream().anyMatch(n -> n.op() instanceof Op.ArgMax || n.op() instanceof Op.OneHot);
  }
}
