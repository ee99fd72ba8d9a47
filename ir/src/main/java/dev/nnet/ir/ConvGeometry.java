package dev.nnet.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * How a convolution slides over the spatial dims (the dims after batch and channel): per spatial
 * dim a stride, zero padding before and after (asymmetric padding is allowed, for {@code same}
 * with even kernels) and a dilation; plus the number of groups the channels are split into.
 *
 * <p>The output size of a dim of size {@code S} with kernel {@code K} is, as in PyTorch,
 * {@code floor((S + before + after - dilation * (K - 1) - 1) / stride) + 1}.
 */
public record ConvGeometry(List<Integer> stride, List<Integer> padBefore, List<Integer> padAfter,
    List<Integer> dilation, int groups) {
  public ConvGeometry {
    stride = List.copyOf(stride);
    padBefore = List.copyOf(padBefore);
    padAfter = List.copyOf(padAfter);
    dilation = List.copyOf(dilation);
    int n = stride.size();
    if (padBefore.size() != n || padAfter.size() != n || dilation.size() != n) {
      throw new IllegalArgumentException("convolution geometry needs one entry per spatial dim in each list");
    }
    if (stride.stream().anyMatch(s -> s < 1) || dilation.stream().anyMatch(d -> d < 1)
        || padBefore.stream().anyMatch(p -> p < 0) || padAfter.stream().anyMatch(p -> p < 0) || groups < 1) {
      throw new IllegalArgumentException("strides, dilations and groups must be positive and paddings non-negative");
    }
  }

  /** Stride 1, no padding, dilation 1, one group, over {@code spatial} dims. */
  public static ConvGeometry unit(int spatial) {
    List<Integer> ones = java.util.Collections.nCopies(spatial, 1);
    List<Integer> zeros = java.util.Collections.nCopies(spatial, 0);
    return new ConvGeometry(ones, zeros, zeros, ones, 1);
  }

  /** The number of spatial dims. */
  public int spatial() {
    return stride.size();
  }

  /** The output size of spatial dim {@code i} for input size {@code in} and kernel size {@code k}. */
  public Dim outputSize(int i, Dim in, long k) {
    long span = (long) dilation.get(i) * (k - 1) + 1;
    Dim padded = in.plus(Dim.of(padBefore.get(i) + padAfter.get(i)));
    return padded.minus(Dim.of(span)).floorDiv(Dim.of(stride.get(i))).plus(Dim.of(1));
  }

  /** The output spatial dims for {@code in} and {@code kernel}, or an error when a window does not fit. */
  List<Dim> outputSizes(String what, List<Dim> in, List<Dim> kernel) throws ShapeError {
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < spatial(); i++) {
      Dim k = kernel.get(i);
      if (!k.isConstant()) {
        throw new ShapeError("`" + what + "` needs a kernel of known size, got " + k);
      }
      Dim o = outputSize(i, in.get(i), k.constant());
      if (o.isConstant() && o.constant() < 1 || in.get(i).isConstant() && in.get(i).constant()
          + padBefore.get(i) + padAfter.get(i) < (long) dilation.get(i) * (k.constant() - 1) + 1) {
        throw new ShapeError("`" + what + "`: the kernel (" + k + ", dilation " + dilation.get(i) + ") is larger than "
            + "spatial dim " + i + " of the input (" + in.get(i) + " with padding " + padBefore.get(i) + "+"
            + padAfter.get(i) + ")");
      }
      out.add(o);
    }
    return out;
  }

  /** IR text: {@code stride=[2, 2] pad=[1, 1]:[1, 1] dilation=[1, 1] groups=1}. */
  public String text() {
    return "stride=" + stride + " pad=" + padBefore + ":" + padAfter + " dilation=" + dilation + " groups=" + groups;
  }
}
