package dev.nnet.check;

import java.util.Map;

/**
 * An optimizer named in a train block with its options, e.g. {@code adam} with {@code lr = 1e-3}.
 * {@code schedule} is the learning rate when it is an expression of the step's counters (a scalar
 * f32 value of the step graph, such as {@code 0.1 * 0.9 ** cast(epoch, f32)}), else null and the
 * rate is {@code options.get("lr")}.
 */
public record OptimizerSpec(String kind, Map<String, Double> options, dev.nnet.ir.GraphBuilder.Value schedule) {
  public OptimizerSpec(String kind, Map<String, Double> options) {
    this(kind, options, null);
  }

  public double option(String name, double fallback) {
    return options.getOrDefault(name, fallback);
  }
}
