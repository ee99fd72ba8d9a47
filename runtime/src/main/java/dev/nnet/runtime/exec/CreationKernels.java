package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/** Kernels that make tensors from nothing but attributes: fills and ranges (random draws are {@link RandomKernels}). */
public final class CreationKernels {
  private CreationKernels() {}

  /** A tensor of {@code shape} with every element {@code value} (truncated for i64, "not zero" for bool). */
  public static Tensor fill(double value, DType dtype, int[] shape, Allocator pool) {
    int n = Math.toIntExact(Tensor.numel(shape));
    return switch (dtype) {
      case I64 -> {
        long[] d = new long[n];
        Arrays.fill(d, (long) value);
        yield Tensor.ofLongs(d, shape);
      }
      case BOOL -> {
        float[] d = pool.take(n);
        Arrays.fill(d, value != 0 ? 1f : 0f);
        yield Tensor.ofBool(d, shape);
      }
      case F32 -> {
        float[] d = pool.take(n);
        Arrays.fill(d, (float) value);
        yield Tensor.of(d, shape);
      }
    };
  }

  /** {@code start + i * step} for i in 0..length-1, as f32 or i64 (rounded, as the values are whole numbers there). */
  public static Tensor arange(double start, double step, int length, DType dtype, Allocator pool) {
    return switch (dtype) {
      case I64 -> {
        long[] d = new long[length];
        for (int i = 0; i < length; i++) {
          d[i] = Math.round(start + i * step);
        }
        yield Tensor.ofLongs(d, length);
      }
      case F32 -> {
        float[] d = pool.take(length);
        for (int i = 0; i < length; i++) {
          d[i] = (float) (start + i * step);
        }
        yield Tensor.of(d, length);
      }
      case BOOL -> throw new ExecutionError("arange makes f32 or i64 values, not bool");
    };
  }
}
