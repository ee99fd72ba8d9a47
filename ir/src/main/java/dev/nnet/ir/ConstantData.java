package dev.nnet.ir;

import java.util.Arrays;

/**
 * The value of a constant node: a dtype, a concrete shape and the elements, row-major, as plain
 * arrays ({@code float[]} for f32 and bool, {@code long[]} for i64), so the IR needs no runtime.
 * The arrays are owned by the constant and never modified.
 */
public final class ConstantData {
  private final DType dtype;
  private final int[] shape;
  private final float[] floats;
  private final long[] longs;

  private ConstantData(DType dtype, int[] shape, float[] floats, long[] longs) {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    long have = floats != null ? floats.length : longs.length;
    if (n != have) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + have);
    }
    this.dtype = dtype;
    this.shape = shape.clone();
    this.floats = floats;
    this.longs = longs;
  }

  /** f32 or bool elements (bool as 0 or 1). */
  public static ConstantData ofFloats(DType dtype, float[] values, int... shape) {
    if (dtype == DType.I64) {
      throw new IllegalArgumentException("i64 constants hold longs");
    }
    return new ConstantData(dtype, shape, values.clone(), null);
  }

  public static ConstantData ofLongs(long[] values, int... shape) {
    return new ConstantData(DType.I64, shape, null, values.clone());
  }

  public DType dtype() {
    return dtype;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int size() {
    return floats != null ? floats.length : longs.length;
  }

  /** A copy of the f32 or bool elements. */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("an i64 constant has no float elements");
    }
    return floats.clone();
  }

  /** A copy of the i64 elements. */
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("an " + dtype + " constant has no i64 elements");
    }
    return longs.clone();
  }

  /** Element {@code i} as a double, whatever the dtype. */
  public double get(int i) {
    return floats != null ? floats[i] : longs[i];
  }

  public TensorType type() {
    return new TensorType(dtype, Shape.of(Arrays.stream(shape).asLongStream().toArray()));
  }
}
