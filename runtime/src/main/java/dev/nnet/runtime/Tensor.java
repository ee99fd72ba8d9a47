package dev.nnet.runtime;

import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import java.util.Arrays;

/**
 * A dense, row-major tensor with a concrete shape. {@code f32} and {@code bool} elements live in a
 * {@code float[]} (bool as 0 or 1); {@code i64} elements in a {@code long[]} so that indices stay exact.
 *
 * <p>Tensors are values: kernels never write into their inputs, except the optimizer loop, which
 * owns the parameter tensors it updates.
 */
public final class Tensor {
  private final DType dtype;
  private final int[] shape;
  private final float[] floats;
  private final long[] longs;

  private Tensor(DType dtype, int[] shape, float[] floats, long[] longs) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.floats = floats;
    this.longs = longs;
    long n = numel(shape);
    long have = floats != null ? floats.length : longs.length;
    if (n != have) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + have);
    }
  }

  /** An f32 tensor that takes ownership of {@code data}. */
  public static Tensor of(float[] data, int... shape) {
    return new Tensor(DType.F32, shape, data, null);
  }

  /** A tensor holding a copy of a graph constant's elements. */
  public static Tensor of(ConstantData c) {
    return c.dtype() == DType.I64 ? ofLongs(c.longs(), c.shape()) : new Tensor(c.dtype(), c.shape(), c.floats(), null);
  }

  /** A bool tensor stored as 0/1 floats; takes ownership of {@code data}. */
  public static Tensor ofBool(float[] data, int... shape) {
    return new Tensor(DType.BOOL, shape, data, null);
  }

  /** An i64 tensor that takes ownership of {@code data}. */
  public static Tensor ofLongs(long[] data, int... shape) {
    return new Tensor(DType.I64, shape, null, data);
  }

  public static Tensor scalar(float v) {
    return of(new float[] {v});
  }

  public static Tensor zeros(DType dtype, int... shape) {
    int n = Math.toIntExact(numel(shape));
    return dtype == DType.I64 ? ofLongs(new long[n], shape) : new Tensor(dtype, shape, new float[n], null);
  }

  public static Tensor full(float value, int... shape) {
    float[] d = new float[Math.toIntExact(numel(shape))];
    Arrays.fill(d, value);
    return of(d, shape);
  }

  public static long numel(int[] shape) {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    return n;
  }

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    return floats != null ? floats.length : longs.length;
  }

  /** The backing array of an f32 or bool tensor (not a copy). */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("an " + dtype + " tensor has no float data");
    }
    return floats;
  }

  /** The backing array of an i64 tensor (not a copy). */
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("an " + dtype + " tensor has no i64 data");
    }
    return longs;
  }

  /** Element {@code i} of the flattened tensor as a double, whatever the dtype. */
  public double getFlat(int i) {
    return floats != null ? floats[i] : longs[i];
  }

  /** The same data seen with another shape of equal size (no copy). */
  public Tensor reshape(int... newShape) {
    return new Tensor(dtype, newShape, floats, longs);
  }

  /** A deep copy. */
  public Tensor copy() {
    return new Tensor(dtype, shape, floats == null ? null : floats.clone(), longs == null ? null : longs.clone());
  }

  /**
   * The index of the first NaN or infinite element of an f32 tensor, or -1 when all are finite (and
   * for i64 and bool tensors, which cannot hold either). A training run checks its loss and updates
   * with this after every step, so it is one pass with no allocation.
   */
  public int firstNonFinite() {
    if (dtype != DType.F32) {
      return -1;
    }
    for (int i = 0; i < floats.length; i++) {
      if (!Float.isFinite(floats[i])) {
        return i;
      }
    }
    return -1;
  }

  /** The sole value of a one-element tensor. */
  public double item() {
    if (size() != 1) {
      throw new IllegalStateException("item() of a tensor with " + size() + " elements");
    }
    return getFlat(0);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(Arrays.toString(shape)).append(' ');
    int n = Math.min(size(), 8);
    sb.append('[');
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ", ").append(floats != null ? Float.toString(floats[i]) : Long.toString(longs[i]));
    }
    return sb.append(size() > n ? ", ...])" : "])").toString();
  }
}
