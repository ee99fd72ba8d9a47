package dev.nnet.runtime.interpreter;

import dev.nnet.runtime.exec.ExecutionError;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the graph's symbolic dims ({@code N}, {@code T}) their values for one run by matching each
 * input's and parameter's declared type against the tensor fed for it, and checks every feed.
 *
 * <p>A symbol takes its value from the first place it appears as a dim of its own ({@code [N, 784]}).
 * A dim such as {@code N * T} or {@code 2 * N} is checked once its symbols are known; if it has one
 * unknown symbol and is linear in it, that symbol is solved for.
 */
final class DimBindings {
  private final Map<String, Long> values = new LinkedHashMap<>();
  /** Where each symbol got its value, for error messages: "input `x` dim 0". */
  private final Map<String, String> origins = new HashMap<>();

  private DimBindings() {}

  /** Checks {@code feeds} against the graph's inputs and parameters and returns the symbol values. */
  static Map<String, Long> bind(Graph graph, Map<String, Tensor> feeds) {
    DimBindings b = new DimBindings();
    List<Runnable> deferred = new ArrayList<>();
    for (Node node : graph.nodes()) {
      String name;
      TensorType type;
      if (node.op() instanceof Op.Input in) {
        name = in.name();
        type = in.type();
      } else if (node.op() instanceof Op.Parameter p) {
        name = p.name();
        type = p.type();
      } else {
        continue;
      }
      String what = kind(node) + " `" + name + "`";
      Tensor t = feeds.get(name);
      if (t == null) {
        throw new ExecutionError("missing feed for " + what + " of type " + type + "; fed: "
            + feeds.keySet(), node.span());
      }
      int[] actual = t.shape();
      if (t.dtype() != type.dtype()) {
        throw new ExecutionError(what + " expects dtype " + type.dtype() + " with shape " + type.shape()
            + ", got " + t.dtype() + " with shape " + Arrays.toString(actual), node.span());
      }
      Shape declared = type.shape();
      if (declared.rank() != actual.length) {
        throw new ExecutionError(what + " expects shape " + declared + " (rank " + declared.rank() + "), got "
            + Arrays.toString(actual) + " (rank " + actual.length + ")", node.span());
      }
      for (int axis = 0; axis < actual.length; axis++) {
        Dim d = declared.dim(axis);
        String symbol = d.symbolName();
        if (symbol != null && !b.values.containsKey(symbol)) {
          b.values.put(symbol, (long) actual[axis]);
          b.origins.put(symbol, what + " dim " + axis);
        } else if (b.values.keySet().containsAll(d.symbols())) {
          b.check(what, declared, actual, axis, node);
        } else {
          int ax = axis;
          deferred.add(() -> b.solve(what, declared, actual, ax, node));
        }
      }
    }
    deferred.forEach(Runnable::run);
    return Map.copyOf(b.values);
  }

  private static String kind(Node node) {
    if (node.op() instanceof Op.Parameter p) {
      return p.trainable() ? "parameter" : "state";
    }
    return "input";
  }

  private void check(String what, Shape declared, int[] actual, int axis, Node node) {
    Dim d = declared.dim(axis);
    long want = d.evaluate(values);
    if (want != actual[axis]) {
      StringBuilder why = new StringBuilder();
      for (String s : d.symbols()) {
        why.append(why.length() == 0 ? " (" : ", ").append(s).append(" = ").append(values.get(s))
            .append(" from ").append(origins.get(s));
      }
      if (why.length() > 0) {
        why.append(')');
      }
      throw new ExecutionError(what + " expects shape " + declared + ", got " + Arrays.toString(actual)
          + ": dim " + axis + " is " + actual[axis] + ", expected " + d + (d.isConstant() ? "" : " = " + want) + why,
          node.span());
    }
  }

  /** Binds the one unknown symbol of a linear dim such as {@code 2*N} or {@code N*T} with T known. */
  private void solve(String what, Shape declared, int[] actual, int axis, Node node) {
    Dim d = declared.dim(axis);
    List<String> unknown = d.symbols().stream().filter(s -> !values.containsKey(s)).toList();
    if (unknown.size() == 1) {
      String s = unknown.get(0);
      Map<String, Long> at = new HashMap<>(values);
      at.put(s, 0L);
      long c0 = d.evaluate(at);
      at.put(s, 1L);
      long slope = d.evaluate(at) - c0;
      if (slope != 0 && (actual[axis] - c0) % slope == 0) {
        values.put(s, (actual[axis] - c0) / slope);
        origins.put(s, what + " dim " + axis);
      }
    }
    if (!values.keySet().containsAll(d.symbols())) {
      throw new ExecutionError(what + " has shape " + declared + ": cannot find " + unknown + " from dim " + axis
          + " = " + actual[axis], node.span());
    }
    check(what, declared, actual, axis, node);
  }
}
