package dev.nnet.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * The windows of a pooling reduction over the trailing {@code kernel.size()} dims: window size,
 * stride and dilation per dim. Windows never hang over the input: pooling pads first (with the
 * reduction's identity, -inf for max and 0 for sum), which is how padding and ceil mode are built.
 */
public record WindowGeometry(List<Integer> kernel, List<Integer> stride, List<Integer> dilation) {
  public WindowGeometry {
    kernel = List.copyOf(kernel);
    stride = List.copyOf(stride);
    dilation = List.copyOf(dilation);
    if (stride.size() != kernel.size() || dilation.size() != kernel.size() || kernel.isEmpty()) {
      throw new IllegalArgumentException("window geometry needs one entry per windowed dim in each list");
    }
    if (kernel.stream().anyMatch(k -> k < 1) || stride.stream().anyMatch(s -> s < 1)
        || dilation.stream().anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("window sizes, strides and dilations must be positive");
    }
  }

  /** The number of windowed (trailing) dims. */
  public int dims() {
    return kernel.size();
  }

  /** The output sizes of the windowed dims {@code in}: {@code floor((S - d*(k-1) - 1)/s) + 1}. */
  List<Dim> outputSizes(String what, List<Dim> in) throws ShapeError {
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < dims(); i++) {
      long span = (long) dilation.get(i) * (kernel.get(i) - 1) + 1;
      Dim s = in.get(i);
      if (s.isConstant() && s.constant() < span) {
        throw new ShapeError("`" + what + "`: a window of " + kernel.get(i) + (dilation.get(i) > 1 ? " (dilation "
            + dilation.get(i) + ")" : "") + " does not fit in a dim of size " + s);
      }
      out.add(s.minus(Dim.of(span)).floorDiv(Dim.of(stride.get(i))).plus(Dim.of(1)));
    }
    return out;
  }

  /** IR text: {@code kernel=[2, 2] stride=[2, 2] dilation=[1, 1]}. */
  public String text() {
    return "kernel=" + kernel + " stride=" + stride + " dilation=" + dilation;
  }
}
