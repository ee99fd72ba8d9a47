package dev.nnet.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The dimensions of a tensor, outermost first; rank 0 is a scalar. */
public record Shape(List<Dim> dims) {
  public Shape {
    dims = List.copyOf(dims);
  }

  public static Shape of(long... sizes) {
    List<Dim> d = new ArrayList<>();
    for (long s : sizes) {
      d.add(Dim.of(s));
    }
    return new Shape(d);
  }

  public static Shape of(Dim... dims) {
    return new Shape(List.of(dims));
  }

  public static Shape scalar() {
    return new Shape(List.of());
  }

  public int rank() {
    return dims.size();
  }

  public Dim dim(int axis) {
    return dims.get(axis);
  }

  /** True if every dim is a constant. */
  public boolean isConcrete() {
    return dims.stream().allMatch(Dim::isConstant);
  }

  /** The sizes of a concrete shape. */
  public int[] sizes() {
    int[] s = new int[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.toIntExact(dims.get(i).constant());
    }
    return s;
  }

  /** Number of elements as a dim (a polynomial if the shape is symbolic). */
  public Dim numel() {
    Dim n = Dim.of(1);
    for (Dim d : dims) {
      n = n.times(d);
    }
    return n;
  }

  /** Evaluates every dim with the given symbol values. */
  public int[] evaluate(Map<String, Long> bindings) {
    int[] s = new int[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.toIntExact(dims.get(i).evaluate(bindings));
    }
    return s;
  }

  public Shape substitute(Map<String, Dim> values) {
    return new Shape(dims.stream().map(d -> d.substitute(values)).toList());
  }

  public Shape withDim(int axis, Dim d) {
    List<Dim> copy = new ArrayList<>(dims);
    copy.set(axis, d);
    return new Shape(copy);
  }

  /** Source-like text: {@code [N, 784]}. */
  @Override
  public String toString() {
    return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
