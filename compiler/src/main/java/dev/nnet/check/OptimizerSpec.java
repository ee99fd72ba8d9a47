package dev.nnet.check;

import java.util.Map;

/** An optimizer named in a train block with its options, e.g. {@code adam} with {@code lr = 1e-3}. */
public record OptimizerSpec(String kind, Map<String, Double> options) {
  public double option(String name, double fallback) {
    return options.getOrDefault(name, fallback);
  }
}
