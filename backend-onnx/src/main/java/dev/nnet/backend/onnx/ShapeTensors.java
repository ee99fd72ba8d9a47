package dev.nnet.backend.onnx;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shapes as ONNX i64 tensors, for the ops that take their target shape as an input (Reshape,
 * Expand, ConstantOfShape). Constant shapes fold into initializers. A symbolic dim such as the
 * batch {@code N} is read from the graph input that declares it ({@code Shape(image)[0:1]}, emitted
 * once on first use); a dim linear in one symbol ({@code 28*N}) is computed with Mul and Add.
 * A Reshape rarely needs that: ONNX copies a dim given as 0 and infers one given as -1.
 */
final class ShapeTensors {
  private final OnnxGraph graph;
  /** Symbol name to (graph input value name, axis) where the symbol is a whole dim. */
  private final Map<String, Map.Entry<String, Integer>> sources = new HashMap<>();
  private final Map<String, String> symbolValues = new HashMap<>();

  ShapeTensors(OnnxGraph graph) {
    this.graph = graph;
  }

  /** Records graph input {@code value} of {@code shape} as where each symbol of its dims is read at run time. */
  void declare(String value, Shape shape) {
    for (int axis = 0; axis < shape.rank(); axis++) {
      String symbol = shape.dim(axis).symbolName();
      if (symbol != null) {
        sources.putIfAbsent(symbol, Map.entry(value, axis));
      }
    }
  }

  /**
   * The target of a Reshape from {@code from} to {@code target}, folded to a constant where ONNX's
   * conventions allow: a symbolic dim at the same axis as the operand's equal dim is 0 (copy it),
   * and one remaining symbolic dim is -1 (inferred from the element count). Only shapes with still
   * more unknowns, or with a size of 0 (which the conventions would misread; the Reshape then
   * needs {@code allowzero}), are computed at run time.
   */
  String reshapeTarget(Shape from, Shape target, SourceSpan span) throws OnnxExportError {
    if (hasZero(target)) {
      return of(target, span);
    }
    long[] sizes = new long[target.rank()];
    int inferred = 0;
    for (int i = 0; i < target.rank(); i++) {
      Dim d = target.dim(i);
      if (d.isConstant()) {
        sizes[i] = d.constant();
      } else if (i < from.rank() && from.dim(i).equals(d)) {
        sizes[i] = 0;
      } else {
        sizes[i] = -1;
        inferred++;
      }
    }
    return inferred <= 1 ? graph.longs(sizes) : of(target, span);
  }

  /** Whether {@code s} has a dim of constant size 0. */
  static boolean hasZero(Shape s) {
    return s.dims().stream().anyMatch(d -> d.isConstant() && d.constant() == 0);
  }

  /** {@code shape} as a 1-d i64 tensor of its sizes at run time. */
  String of(Shape shape, SourceSpan span) throws OnnxExportError {
    if (shape.isConcrete()) {
      return graph.longs(shape.dims().stream().mapToLong(Dim::constant).toArray());
    }
    List<String> parts = new ArrayList<>();
    for (Dim d : shape.dims()) {
      parts.add(d.isConstant() ? graph.longs(d.constant()) : dim(d, span));
    }
    return graph.node("Concat", parts, OnnxGraph.attr("axis", 0L));
  }

  /** A symbolic dim as a 1-element i64 tensor. */
  private String dim(Dim d, SourceSpan span) throws OnnxExportError {
    List<String> symbols = d.symbols();
    if (symbols.size() != 1 || !sources.containsKey(symbols.get(0))) {
      throw unsupported(d, span);
    }
    String symbol = symbols.get(0);
    Dim s = Dim.symbol(symbol);
    long b = d.substitute(Map.of(symbol, Dim.of(0))).constant();
    long a = d.substitute(Map.of(symbol, Dim.of(1))).constant() - b;
    if (!s.times(Dim.of(a)).plus(Dim.of(b)).equals(d)) {
      throw unsupported(d, span);
    }
    String value = symbolValue(symbol);
    if (a != 1) {
      value = graph.node("Mul", List.of(value, graph.longs(a)));
    }
    if (b != 0) {
      value = graph.node("Add", List.of(value, graph.longs(b)));
    }
    return value;
  }

  private String symbolValue(String symbol) {
    return symbolValues.computeIfAbsent(symbol, k -> {
      Map.Entry<String, Integer> src = sources.get(k);
      return graph.node("Shape", List.of(src.getKey()), OnnxGraph.attr("start", (long) src.getValue()),
          OnnxGraph.attr("end", (long) src.getValue() + 1));
    });
  }

  private static OnnxExportError unsupported(Dim d, SourceSpan span) {
    return OnnxExportError.at(span, "the size `" + d + "` cannot be computed in ONNX: it is not linear in one "
        + "dimension of a model input",
        "export a model whose sizes other than the batch are constants, or that uses the batch size only as `N`");
  }
}
