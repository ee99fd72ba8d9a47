package dev.nnet.runtime.exec;

import dev.nnet.runtime.Tensor;
import java.util.Random;

/** Test fixture: random f32 tensors and the inner products of the adjoint (dot-product) tests. */
final class RandomTensors {
  private RandomTensors() {}

  /** A tensor of {@code shape} with elements uniform in [-1, 1). */
  static Tensor uniform(Random r, int... shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return Tensor.of(v, shape);
  }

  /** {@code <a, b>} in double. */
  static double dot(Tensor a, Tensor b) {
    float[] x = a.floats();
    float[] y = b.floats();
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " vs " + y.length + " elements");
    }
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (double) x[i] * y[i];
    }
    return s;
  }

  /** The Euclidean norm, in double. */
  static double norm(Tensor a) {
    return Math.sqrt(dot(a, a));
  }
}
