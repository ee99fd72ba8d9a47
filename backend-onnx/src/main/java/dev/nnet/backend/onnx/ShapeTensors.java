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
 * Reshape needs none of that when one dim is unknown: ONNX infers a {@code -1} from the element count.
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

  /** The target of a Reshape to {@code target}: constant dims as they are, one unknown dim as -1. */
  String reshapeTarget(Shape target, SourceSpan span) throws OnnxExportError {
    long symbolic = target.dims().stream().filter(d -> !d.isConstant()).count();
    boolean zero = target.dims().stream().anyMatch(d -> d.isConstant() && d.constant() == 0);
    if (symbolic == 1 && !zero) {
      return graph.longs(target.dims().stream().mapToLong(d -> d.isConstant() ? d.constant() : -1).toArray());
    }
    return of(target, span);
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
