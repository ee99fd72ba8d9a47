package dev.nnet.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnet.grad.Differentiator;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphParser;
import dev.nnet.ir.IrSyntaxError;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.opt.Pipeline;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.interpreter.Executor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs a golden case through nnet and compares with PyTorch's numbers: the forward value y, and
 * for every f32 input x the gradient of {@code sum(y * w)} from the {@link Differentiator}, with w
 * the case's upstream weight. Values agree when {@code |actual - expected| <= ATOL + RTOL * |expected|}
 * (float32 against PyTorch's float64); infinities must match exactly and NaN only NaN.
 */
final class GoldenCheck {
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-5;
  private static final SourceSpan S = SourceSpan.NONE;

  private GoldenCheck() {}

  /** Graph inputs for the case's {@code in} rows other than {@code w}, with their concrete types. */
  static Map<String, Value> inputs(GoldenFile.Case c, GraphBuilder b) {
    Map<String, Value> in = new LinkedHashMap<>();
    for (GoldenFile.Row r : c.rows("in")) {
      if (!r.name().equals("w")) {
        in.put(r.name(), b.input(r.name(), new TensorType(r.dtype(), shapeOf(r.shape()))));
      }
    }
    return in;
  }

  static Shape shapeOf(int[] sizes) {
    return Shape.of(Arrays.stream(sizes).asLongStream().toArray());
  }

  static Value op(GraphBuilder b, Op op, Value... in) {
    return b.addChecked(op, S, in);
  }

  /**
   * Copies {@code g} into a fresh builder (so the differentiator can extend it) and returns the
   * builder with the copies of its inputs and trainable parameters by name and of its output
   * {@code outputName}.
   */
  static Copied copy(Graph g, String outputName) {
    GraphBuilder b = new GraphBuilder();
    Map<Integer, Value> map = new LinkedHashMap<>();
    Map<String, Value> inputs = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      Value v;
      if (n.op() instanceof Op.Input in) {
        v = b.input(in.name(), in.type());
        inputs.put(in.name(), v);
      } else if (n.op() instanceof Op.Parameter p) {
        v = b.parameter(p.name(), p.type(), p.trainable());
        if (p.trainable()) {
          inputs.put(p.name(), v); // fed by name like an input, and differentiated
        }
      } else {
        v = b.addChecked(n.op(), n.span(), n.inputs().stream().map(map::get).toArray(Value[]::new));
      }
      map.put(n.id(), v);
    }
    Integer out = g.outputs().get(outputName);
    if (out == null) {
      throw new IllegalStateException("the graph has no output " + outputName + ": " + g.outputs().keySet());
    }
    return new Copied(b, inputs, map.get(out));
  }

  record Copied(GraphBuilder builder, Map<String, Value> inputs, Value output) {}

  /**
   * Adds {@code loss = sum(y * w)} and the gradients, runs the graph on the case's feeds and
   * compares y and every gradient. Every f32 input other than w must have a golden gradient,
   * except those the case lists in {@code attr nograd}. Returns the graph that ran.
   */
  static Graph check(GoldenFile.Case c, GraphBuilder b, Map<String, Value> inputs, Value y) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (GoldenFile.Row r : c.rows("in")) {
      feeds.put(r.name(), r.tensor());
    }
    List<String> skip = c.attrs().containsKey("nograd") ? List.of(c.attr("nograd").split(",")) : List.of();
    List<String> wrtNames = new ArrayList<>();
    List<Value> wrt = new ArrayList<>();
    inputs.forEach((name, v) -> {
      if (v.dtype() == DType.F32 && !skip.contains(name)) {
        wrtNames.add(name);
        wrt.add(v);
      }
    });
    b.output("y", y);
    boolean hasW = c.rows("in").stream().anyMatch(r -> r.name().equals("w"));
    if (hasW && !wrt.isEmpty()) {
      Value w = b.input("w", y.type());
      Value loss = op(b, new Op.Reduce(ReduceFn.SUM, GraphBuilder.allAxes(y.rank()), false),
          op(b, new Op.Binary(BinaryFn.MUL), y, w));
      List<Value> grads = Differentiator.gradients(b, loss, wrt);
      for (int i = 0; i < grads.size(); i++) {
        b.output("grad:" + wrtNames.get(i), grads.get(i));
      }
    }
    // The golden file must hold exactly the gradients we compute: none silently unchecked.
    TreeSet<String> golden = new TreeSet<>(c.rows("grad").stream().map(GoldenFile.Row::name).toList());
    assertEquals(golden, new TreeSet<>(hasW ? wrtNames : List.of()),
        c.name() + ": golden gradients vs the f32 inputs differentiated");
    Graph graph = b.build();
    List<String> problems = new ArrayList<>();
    // Every registered backend runs the case: a new backend joins this suite by registering.
    for (Backend backend : Backends.all()) {
      Map<String, Tensor> out = backend.compile(graph, Signature.ofFunction(graph)).run(feeds, 0);
      String on = " on " + backend.name();
      compare(c.name(), "y" + on, c.row("out", "y"), out.get("y"), problems);
      for (String name : wrtNames) {
        if (hasW) {
          compare(c.name(), "grad " + name + on, c.row("grad", name), out.get("grad:" + name), problems);
        }
      }
    }
    // The optimization passes must not change a golden result, and the IR text must read back.
    Map<String, Tensor> optimized = new Executor(Pipeline.optimize(graph)).run(feeds, 0);
    compare(c.name(), "optimized y", c.row("out", "y"), optimized.get("y"), problems);
    for (String name : wrtNames) {
      if (hasW) {
        compare(c.name(), "optimized grad " + name, c.row("grad", name), optimized.get("grad:" + name), problems);
      }
    }
    failIfAny(problems);
    assertEquals(graph.dump(), parsedBack(graph).dump(), c.name() + ": the IR text reads back as printed");
    return graph;
  }

  private static Graph parsedBack(Graph g) {
    try {
      return GraphParser.parse(g.dump());
    } catch (IrSyntaxError e) {
      throw new AssertionError(e.getMessage() + "\n" + g.dump(), e);
    }
  }

  /** Compares {@code actual} with a golden row, adding one line per mismatch (and for a wrong shape). */
  static void compare(String caseName, String what, GoldenFile.Row expected, Tensor actual, List<String> problems) {
    if (!Arrays.equals(expected.shape(), actual.shape())) {
      problems.add(caseName + " / " + what + ": shape " + Arrays.toString(actual.shape()) + ", expected "
          + Arrays.toString(expected.shape()));
      return;
    }
    if (expected.dtype() != actual.dtype()) {
      problems.add(caseName + " / " + what + ": dtype " + actual.dtype() + ", expected " + expected.dtype());
      return;
    }
    for (int i = 0; i < expected.values().length; i++) {
      double e = expected.values()[i];
      double a = actual.getFlat(i);
      if (!close(e, a)) {
        problems.add(caseName + " / " + what + " [" + i + "]: expected " + e + ", actual " + a);
      }
    }
  }

  static boolean close(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      return expected == actual;
    }
    return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
  }

  static void failIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 12);
      fail(problems.size() + " value(s) differ from PyTorch:\n  " + String.join("\n  ", problems.subList(0, shown))
          + (problems.size() > shown ? "\n  ..." : ""));
    }
  }
}
