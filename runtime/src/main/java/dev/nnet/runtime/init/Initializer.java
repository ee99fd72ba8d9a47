package dev.nnet.runtime.init;

import dev.nnet.runtime.Tensor;
import java.util.random.RandomGenerator;

/**
 * How a parameter gets its first value. Fan-in and fan-out follow PyTorch's
 * {@code _calculate_fan_in_and_fan_out}: for a weight {@code [out, in, k...]}, fan_in is
 * {@code in * prod(k)} and fan_out is {@code out * prod(k)}; so Xavier uniform draws from
 * {@code U(-a, a)} with {@code a = gain * sqrt(6 / (fan_in + fan_out))} and He normal from
 * {@code N(0, 2 / fan_in)}.
 */
public sealed interface Initializer {

  /** Fills a new f32 tensor of {@code shape}, drawing from {@code rng}. */
  Tensor create(int[] shape, RandomGenerator rng);

  /** How it is written in .nnet, for summaries and checkpoints. */
  String text();

  record Zeros() implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return Tensor.full(0f, shape);
    }

    public String text() {
      return "zeros";
    }
  }

  record Ones() implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return Tensor.full(1f, shape);
    }

    public String text() {
      return "ones";
    }
  }

  record Constant(double value) implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return Tensor.full((float) value, shape);
    }

    public String text() {
      return "constant(" + value + ")";
    }
  }

  record Uniform(double low, double high) implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return uniform(shape, low, high, rng);
    }

    public String text() {
      return "uniform(" + low + ", " + high + ")";
    }
  }

  record Normal(double mean, double std) implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return normal(shape, mean, std, rng);
    }

    public String text() {
      return "normal(" + mean + ", " + std + ")";
    }
  }

  /** Glorot and Bengio (2010): U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
  record XavierUniform(double gain) implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      double a = gain * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
      return uniform(shape, -a, a, rng);
    }

    public String text() {
      return "xavier_uniform";
    }
  }

  /** N(0, std²), std = gain * sqrt(2 / (fan_in + fan_out)). */
  record XavierNormal(double gain) implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return normal(shape, 0, gain * Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), rng);
    }

    public String text() {
      return "xavier_normal";
    }
  }

  /** He et al. (2015) for ReLU: U(-b, b), b = sqrt(6 / fan_in). */
  record HeUniform() implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      double b = Math.sqrt(6.0 / fanIn(shape));
      return uniform(shape, -b, b, rng);
    }

    public String text() {
      return "he_uniform";
    }
  }

  /** N(0, 2 / fan_in). */
  record HeNormal() implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return normal(shape, 0, Math.sqrt(2.0 / fanIn(shape)), rng);
    }

    public String text() {
      return "he_normal";
    }
  }

  /** LeCun normal, as used with SELU: N(0, 1 / fan_in). */
  record LeCunNormal() implements Initializer {
    public Tensor create(int[] shape, RandomGenerator rng) {
      return normal(shape, 0, Math.sqrt(1.0 / fanIn(shape)), rng);
    }

    public String text() {
      return "lecun_normal";
    }
  }

  static long fanIn(int[] shape) {
    if (shape.length < 2) {
      return shape.length == 1 ? shape[0] : 1;
    }
    return (long) shape[1] * receptiveField(shape);
  }

  static long fanOut(int[] shape) {
    if (shape.length < 2) {
      return shape.length == 1 ? shape[0] : 1;
    }
    return (long) shape[0] * receptiveField(shape);
  }

  private static long receptiveField(int[] shape) {
    long r = 1;
    for (int i = 2; i < shape.length; i++) {
      r *= shape[i];
    }
    return r;
  }

  private static Tensor uniform(int[] shape, double low, double high, RandomGenerator rng) {
    float[] d = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (low + (high - low) * rng.nextDouble());
    }
    return Tensor.of(d, shape);
  }

  private static Tensor normal(int[] shape, double mean, double std, RandomGenerator rng) {
    float[] d = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (mean + std * rng.nextGaussian());
    }
    return Tensor.of(d, shape);
  }
}
