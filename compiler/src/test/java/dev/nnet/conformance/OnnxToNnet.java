package dev.nnet.conformance;

import dev.nnet.conformance.OnnxProto.Attribute;
import dev.nnet.conformance.OnnxProto.Node;
import dev.nnet.conformance.OnnxProto.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Translates one ONNX node into a .nnet model, {@code model Golden() { forward(x0: [2, 3], x1: [3]) = ... }},
 * with the concrete shapes of the test's inputs. Inputs that the node reads as constants (a Reshape's
 * shape, a Slice's starts, a Reduce's axes) are written into the source as numbers; every other input
 * becomes a {@code forward} parameter {@code x<i>}, fed with the test's values. Throws
 * {@link Unsupported} for what .nnet cannot express (an element type it lacks, a Slice step other
 * than 1); those cases are listed with the reason in known-failures.txt.
 */
final class OnnxToNnet {

  static final Set<String> SUPPORTED = Set.of(
      "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Sin", "Cos", "Erf", "Floor", "Ceil", "Sign", "Tanh",
      "Sigmoid", "Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "HardSigmoid", "HardSwish",
      "ThresholdedRelu", "PRelu", "Clip", "Identity",
      "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
      "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Not", "Xor", "Where", "Cast",
      "MatMul", "Gemm", "Softmax", "LogSoftmax",
      "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL1", "ReduceL2",
      "ReduceLogSum", "ReduceLogSumExp", "ArgMax", "ArgMin",
      "Reshape", "Transpose", "Flatten", "Concat", "Gather", "Expand", "Squeeze", "Unsqueeze", "Slice",
      "GlobalAveragePool", "GlobalMaxPool",
      "Conv", "ConvTranspose", "MaxPool", "AveragePool", "Pad");

  /** What .nnet cannot express for this case; the message is the reason. */
  static final class Unsupported extends RuntimeException {
    Unsupported(String reason) {
      super(reason);
    }
  }

  /** The .nnet source, and the forward parameters' values by name. */
  record Snippet(String source, Map<String, Tensor> feeds) {}

  private final Node node;
  private final long opset;
  private final List<Tensor> inputs; // per node input; null where the optional input is left out
  private final Map<String, Tensor> feeds = new LinkedHashMap<>();
  private final List<String> params = new ArrayList<>();

  private OnnxToNnet(Node node, long opset, List<Tensor> inputs) {
    this.node = node;
    this.opset = opset;
    this.inputs = inputs;
  }

  /** {@code values}: every graph input and initializer by name. */
  static Snippet translate(OnnxProto.Model model, Map<String, Tensor> values) {
    if (model.nodes().size() != 1) {
      throw new Unsupported("the model has " + model.nodes().size() + " nodes");
    }
    Node node = model.nodes().get(0);
    List<Tensor> in = new ArrayList<>();
    for (String name : node.inputs()) {
      if (name.isEmpty()) {
        in.add(null);
      } else if (!values.containsKey(name)) {
        throw new IllegalStateException("node input " + name + " is neither a graph input nor an initializer");
      } else {
        in.add(values.get(name));
      }
    }
    if (node.outputs().stream().filter(o -> !o.isEmpty()).count() != 1) {
      throw new Unsupported(node.opType() + " with " + node.outputs().size() + " outputs (a forward returns one tensor)");
    }
    OnnxToNnet t = new OnnxToNnet(node, model.opset(), in);
    String body = t.expr();
    String source = "model Golden() {\n  forward(" + String.join(", ", t.params) + ") = " + body + "\n}\n";
    return new Snippet(source, t.feeds);
  }

  // ---- operands ----------------------------------------------------------------------------------

  private boolean has(int i) {
    return i < inputs.size() && inputs.get(i) != null;
  }

  private Tensor in(int i) {
    if (!has(i)) {
      throw new IllegalStateException(node.opType() + ": input " + i + " is missing");
    }
    return inputs.get(i);
  }

  private int rank(int i) {
    return in(i).dims().length;
  }

  private long[] shape(int i) {
    return in(i).dims();
  }

  /** Input i as a tensor expression: a forward parameter {@code x<i>} of its type. */
  private String t(int i) {
    String name = "x" + i;
    if (!feeds.containsKey(name)) {
      Tensor x = in(i);
      params.add(name + ": " + dtypePrefix(x.dataType(), "input " + i) + list(x.dims()));
      feeds.put(name, x);
    }
    return name;
  }

  /** Input i read as constant ints (a shape, axes, starts). */
  private long[] ints(int i) {
    Tensor x = in(i);
    if (x.longs() == null) {
      throw new Unsupported("input " + i + " of " + OnnxProto.typeName(x.dataType()) + " where ints are expected");
    }
    return x.longs();
  }

  static String dtypePrefix(int dataType, String what) {
    return switch (dataType) {
      case OnnxProto.FLOAT -> "";
      case OnnxProto.INT64 -> "i64";
      case OnnxProto.BOOL -> "bool";
      default -> throw new Unsupported(what + " is " + OnnxProto.typeName(dataType) + " (nnet has f32, i64, bool)");
    };
  }

  private int dtype(int i) {
    return in(i).dataType();
  }

  // ---- attributes --------------------------------------------------------------------------------

  private Attribute attr(String name) {
    return node.attributes().get(name);
  }

  private long intAttr(String name, long fallback) {
    Attribute a = attr(name);
    return a == null ? fallback : a.i();
  }

  private double floatAttr(String name, double fallback) {
    Attribute a = attr(name);
    return a == null ? fallback : a.f();
  }

  private String stringAttr(String name, String fallback) {
    Attribute a = attr(name);
    return a == null ? fallback : a.s();
  }

  private long[] intsAttr(String name, long[] fallback) {
    Attribute a = attr(name);
    return a == null ? fallback : a.ints();
  }

  // ---- text --------------------------------------------------------------------------------------

  static String list(long[] v) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (long x : v) {
      j.add(Long.toString(x));
    }
    return j.toString();
  }

  static String num(double v) {
    if (!Double.isFinite(v)) {
      throw new Unsupported("a non-finite constant " + v + " (no literal for it in .nnet)");
    }
    String s = Double.toString(v);
    return v < 0 ? "(" + s + ")" : s;
  }

  private static String call(String fn, String... args) {
    return fn + "(" + String.join(", ", args) + ")";
  }

  private static long normAxis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalStateException("axis " + axis + " out of range for rank " + rank);
    }
    return a;
  }

  private static long prod(long[] s, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      p *= s[i];
    }
    return p;
  }

  private void sameDtypes(int... idx) {
    for (int i : idx) {
      if (has(i) && dtype(i) != dtype(idx[0])) {
        throw new Unsupported("mixed element types " + OnnxProto.typeName(dtype(idx[0])) + " and "
            + OnnxProto.typeName(dtype(i)) + " (nnet needs one dtype)");
      }
    }
  }

  private void requireFloat(int i) {
    if (dtype(i) != OnnxProto.FLOAT) {
      throw new Unsupported(node.opType() + " on " + OnnxProto.typeName(dtype(i)) + " (the .nnet function takes f32)");
    }
  }

  // ---- ops ---------------------------------------------------------------------------------------

  private static final Map<String, String> UNARY = Map.ofEntries(Map.entry("Abs", "abs"), Map.entry("Neg", "neg"),
      Map.entry("Exp", "exp"), Map.entry("Log", "log"), Map.entry("Sqrt", "sqrt"), Map.entry("Reciprocal", "reciprocal"),
      Map.entry("Sin", "sin"), Map.entry("Cos", "cos"), Map.entry("Erf", "erf"), Map.entry("Floor", "floor"),
      Map.entry("Sign", "sign"), Map.entry("Tanh", "tanh"), Map.entry("Sigmoid", "sigmoid"), Map.entry("Relu", "relu"));

  private static final Map<String, String> INFIX = Map.of("Add", "+", "Sub", "-", "Mul", "*", "Div", "/",
      "Equal", "==", "Less", "<", "Greater", ">", "LessOrEqual", "<=", "GreaterOrEqual", ">=");

  private String expr() {
    String op = node.opType();
    if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
      throw new Unsupported("domain " + node.domain());
    }
    if (UNARY.containsKey(op)) {
      if (op.equals("Neg") || op.equals("Abs") || op.equals("Sign")) {
        requireFloat(0);
      }
      return call(UNARY.get(op), t(0));
    }
    if (INFIX.containsKey(op)) {
      sameDtypes(0, 1);
      return "(" + t(0) + " " + INFIX.get(op) + " " + t(1) + ")";
    }
    switch (op) {
      case "Identity":
        return t(0);
      case "Ceil":
        return "neg(floor(neg(" + t(0) + ")))";
      case "LeakyRelu":
        return call("leaky_relu", t(0), "slope = " + num(floatAttr("alpha", 0.01)));
      case "Elu": {
        String x = t(0);
        return "where(" + x + " > 0.0, " + x + ", " + num(floatAttr("alpha", 1.0)) + " * (exp(" + x + ") - 1.0))";
      }
      case "Selu": {
        String x = t(0);
        String a = num(floatAttr("alpha", 1.67326319217681884765625));
        return num(floatAttr("gamma", 1.05070102214813232421875)) + " * where(" + x + " > 0.0, " + x + ", " + a
            + " * exp(" + x + ") - " + a + ")";
      }
      case "Celu": {
        String x = t(0);
        String a = num(floatAttr("alpha", 1.0));
        return "maximum(" + x + ", 0.0) + minimum(" + a + " * (exp(" + x + " / " + a + ") - 1.0), 0.0)";
      }
      case "Softplus":
        return "log(exp(" + t(0) + ") + 1.0)";
      case "Softsign":
        return t(0) + " / (1.0 + abs(" + t(0) + "))";
      case "HardSigmoid":
        return "maximum(minimum(" + num(floatAttr("alpha", 0.2)) + " * " + t(0) + " + " + num(floatAttr("beta", 0.5))
            + ", 1.0), 0.0)";
      case "HardSwish":
        return t(0) + " * maximum(minimum(" + num(1.0 / 6) + " * " + t(0) + " + 0.5, 1.0), 0.0)";
      case "ThresholdedRelu":
        return "where(" + t(0) + " > " + num(floatAttr("alpha", 1.0)) + ", " + t(0) + ", 0.0)";
      case "PRelu":
        sameDtypes(0, 1);
        return "where(" + t(0) + " < 0.0, " + t(0) + " * " + t(1) + ", " + t(0) + ")";
      case "Clip": {
        String x = t(0);
        if (opset < 11) {
          x = attr("min") == null ? x : "maximum(" + x + ", " + num(floatAttr("min", 0)) + ")";
          return attr("max") == null ? x : "minimum(" + x + ", " + num(floatAttr("max", 0)) + ")";
        }
        sameDtypes(0, 1, 2);
        x = has(1) ? "maximum(" + x + ", " + t(1) + ")" : x;
        return has(2) ? "minimum(" + x + ", " + t(2) + ")" : x;
      }
      case "Pow":
        sameDtypes(0, 1);
        return call("pow", t(0), t(1));
      case "Max":
      case "Min":
      case "Sum":
      case "Mean":
        return variadic(op);
      case "And":
      case "Or":
        return "(" + t(0) + (op.equals("And") ? " and " : " or ") + t(1) + ")";
      case "Xor":
        return "((" + t(0) + " or " + t(1) + ") and not (" + t(0) + " and " + t(1) + "))";
      case "Not":
        return "(not " + t(0) + ")";
      case "Where":
        sameDtypes(1, 2);
        return call("where", t(0), t(1), t(2));
      case "Cast": {
        dtypePrefix(dtype(0), "the input");
        long to = intAttr("to", 0);
        String d = switch ((int) to) {
          case OnnxProto.FLOAT -> "f32";
          case OnnxProto.INT64 -> "i64";
          case OnnxProto.BOOL -> "bool";
          default -> throw new Unsupported("Cast to " + OnnxProto.typeName((int) to));
        };
        return call("cast", t(0), d);
      }
      case "MatMul":
        return matmul();
      case "Gemm":
        return gemm();
      case "Softmax":
      case "LogSoftmax":
        return softmax(op.equals("Softmax") ? "softmax" : "log_softmax");
      case "ArgMax":
      case "ArgMin":
        return argmax(op.equals("ArgMin"));
      case "Reshape":
        return reshape();
      case "Transpose": {
        long[] perm = intsAttr("perm", null);
        if (perm == null) {
          perm = new long[rank(0)];
          for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
          }
        }
        return call("permute", t(0), list(perm));
      }
      case "Flatten": {
        int axis = (int) intAttr("axis", 1);
        axis = axis < 0 ? axis + rank(0) : axis;
        if (axis == 1) {
          return call("flatten", t(0)); // the built-in: [d0, d1 * d2 * ...]
        }
        return call("reshape", t(0), list(new long[] {prod(shape(0), 0, axis), prod(shape(0), axis, rank(0))}));
      }
      case "Concat": {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < inputs.size(); i++) {
          sameDtypes(0, i);
          j.add(t(i));
        }
        return call("concat", j.toString(), "axis = " + intAttr("axis", 0));
      }
      case "Gather":
        return gather();
      case "Expand":
        return expand();
      case "Squeeze":
      case "Unsqueeze":
        return squeeze(op.equals("Unsqueeze"));
      case "Slice":
        return slice();
      case "GlobalAveragePool":
      case "GlobalMaxPool": {
        long[] axes = new long[rank(0) - 2];
        for (int i = 0; i < axes.length; i++) {
          axes[i] = i + 2;
        }
        return call(op.equals("GlobalAveragePool") ? "mean" : "max", t(0), "axis = " + list(axes), "keepdims = true");
      }
      case "Conv":
        return conv();
      case "ConvTranspose":
        return convTranspose();
      case "MaxPool":
      case "AveragePool":
        return pool(op.equals("MaxPool"));
      case "Pad":
        return pad();
      default:
        if (op.startsWith("Reduce")) {
          return reduce(op);
        }
        throw new Unsupported("no mapping for " + op);
    }
  }

  private String variadic(String op) {
    String acc = t(0);
    for (int i = 1; i < inputs.size(); i++) {
      sameDtypes(0, i);
      acc = switch (op) {
        case "Max" -> call("maximum", acc, t(i));
        case "Min" -> call("minimum", acc, t(i));
        default -> "(" + acc + " + " + t(i) + ")";
      };
    }
    return op.equals("Mean") ? "(" + acc + " / " + num(inputs.size()) + ")" : acc;
  }

  private String matmul() {
    sameDtypes(0, 1);
    long[] a = shape(0);
    long[] b = shape(1);
    String x = a.length == 1 ? call("reshape", t(0), list(new long[] {1, a[0]})) : t(0);
    String y = b.length == 1 ? call("reshape", t(1), list(new long[] {b[0], 1})) : t(1);
    String product = "(" + x + " @ " + y + ")";
    if (a.length > 1 && b.length > 1) {
      return product;
    }
    // numpy's rule for a 1-D operand: the added axis is removed from the result
    long[] ba = a.length > 1 ? Arrays.copyOf(a, a.length - 2) : new long[0];
    long[] bb = b.length > 1 ? Arrays.copyOf(b, b.length - 2) : new long[0];
    List<Long> out = new ArrayList<>();
    for (long d : broadcast(ba, bb)) {
      out.add(d);
    }
    if (a.length > 1) {
      out.add(a[a.length - 2]);
    }
    if (b.length > 1) {
      out.add(b[b.length - 1]);
    }
    return call("reshape", product, list(out.stream().mapToLong(Long::longValue).toArray()));
  }

  static long[] broadcast(long[] a, long[] b) {
    int r = Math.max(a.length, b.length);
    long[] out = new long[r];
    for (int i = 0; i < r; i++) {
      long x = i < r - a.length ? 1 : a[i - (r - a.length)];
      long y = i < r - b.length ? 1 : b[i - (r - b.length)];
      out[i] = x == 1 ? y : x;
    }
    return out;
  }

  private String gemm() {
    requireFloat(0);
    String a = intAttr("transA", 0) != 0 ? t(0) + ".T" : t(0);
    String b = intAttr("transB", 0) != 0 ? t(1) + ".T" : t(1);
    double alpha = floatAttr("alpha", 1.0);
    double beta = floatAttr("beta", 1.0);
    String e = "(" + a + " @ " + b + ")";
    if (alpha != 1.0) {
      e = num(alpha) + " * " + e;
    }
    if (has(2)) {
      e = e + " + " + (beta != 1.0 ? num(beta) + " * " + t(2) : t(2));
    }
    return e;
  }

  private String softmax(String fn) {
    if (opset >= 13) {
      return call(fn, t(0), "axis = " + intAttr("axis", -1));
    }
    // before opset 13: the input is coerced to 2-D at axis, and softmax runs over the second axis
    int axis = (int) intAttr("axis", 1);
    axis = axis < 0 ? axis + rank(0) : axis;
    long[] two = {prod(shape(0), 0, axis), prod(shape(0), axis, rank(0))};
    return call("reshape", call(fn, call("reshape", t(0), list(two)), "axis = 1"), list(shape(0)));
  }

  private String argmax(boolean min) {
    if (intAttr("select_last_index", 0) != 0) {
      throw new Unsupported("select_last_index = 1 (argmax returns the first index)");
    }
    int axis = (int) normAxis(intAttr("axis", 0), rank(0));
    if (min) {
      requireFloat(0);
    }
    String e = call("argmax", min ? call("neg", t(0)) : t(0), "axis = " + axis);
    if (intAttr("keepdims", 1) != 0) {
      long[] s = shape(0).clone();
      s[axis] = 1;
      e = call("reshape", e, list(s));
    }
    return e;
  }

  private String reduce(String op) {
    long[] axes;
    if (has(1)) {
      axes = ints(1);
    } else {
      axes = intsAttr("axes", new long[0]);
    }
    if (axes.length == 0 && intAttr("noop_with_empty_axes", 0) != 0) {
      return t(0);
    }
    boolean keep = intAttr("keepdims", 1) != 0;
    String x = t(0);
    String rest = (axes.length == 0 ? "" : ", axis = " + list(axes)) + ", keepdims = " + keep + ")";
    return switch (op) {
      case "ReduceSum" -> "sum(" + x + rest;
      case "ReduceMean" -> "mean(" + x + rest;
      case "ReduceMax" -> "max(" + x + rest;
      case "ReduceMin" -> "neg(max(neg(" + x + ")" + rest + ")";
      case "ReduceSumSquare" -> "sum(" + x + " * " + x + rest;
      case "ReduceL1" -> "sum(abs(" + x + ")" + rest;
      case "ReduceL2" -> "sqrt(sum(" + x + " * " + x + rest + ")";
      case "ReduceLogSum" -> "log(sum(" + x + rest + ")";
      case "ReduceLogSumExp" -> "log(sum(exp(" + x + ")" + rest + ")";
      default -> throw new Unsupported("no mapping for " + op);
    };
  }

  private String reshape() {
    long[] s = ints(1).clone();
    boolean allowZero = intAttr("allowzero", 0) != 0;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == 0 && !allowZero) {
        s[i] = shape(0)[i]; // ONNX: 0 copies the input's size
      }
    }
    return call("reshape", t(0), list(s));
  }

  private String gather() {
    if (dtype(1) != OnnxProto.INT64) {
      throw new Unsupported("Gather indices of " + OnnxProto.typeName(dtype(1)) + " (nnet indices are i64)");
    }
    int r = rank(0);
    int axis = (int) normAxis(intAttr("axis", 0), r);
    if (axis == 0) {
      return call("gather", t(0), t(1));
    }
    // move the axis to the front, gather rows, and move the index axes back to where the axis was
    long[] front = new long[r];
    front[0] = axis;
    for (int i = 0, k = 1; i < r; i++) {
      if (i != axis) {
        front[k++] = i;
      }
    }
    int q = rank(1);
    long[] back = new long[q + r - 1]; // gathered: [idx..., d0..d(axis-1), d(axis+1)...]
    int k = 0;
    for (int i = 0; i < axis; i++) {
      back[k++] = q + i;
    }
    for (int i = 0; i < q; i++) {
      back[k++] = i;
    }
    for (int i = axis + 1; i < r; i++) {
      back[k++] = q + i - 1;
    }
    return call("permute", call("gather", call("permute", t(0), list(front)), t(1)), list(back));
  }

  private String expand() {
    // ONNX broadcasts both ways (the shape may have 1s where x does not); nnet's expand takes the result
    return call("expand", t(0), list(broadcast(shape(0), ints(1))));
  }

  private String squeeze(boolean unsqueeze) {
    long[] axes = has(1) ? ints(1) : intsAttr("axes", null);
    long[] s = shape(0);
    List<Long> out = new ArrayList<>();
    if (unsqueeze) {
      int r = s.length + axes.length;
      boolean[] inserted = new boolean[r];
      for (long a : axes) {
        inserted[(int) normAxis(a, r)] = true;
      }
      for (int i = 0, k = 0; i < r; i++) {
        out.add(inserted[i] ? 1L : s[k++]);
      }
    } else {
      boolean[] drop = new boolean[s.length];
      for (int i = 0; i < s.length; i++) {
        drop[i] = axes == null && s[i] == 1;
      }
      if (axes != null) {
        for (long a : axes) {
          drop[(int) normAxis(a, s.length)] = true;
        }
      }
      for (int i = 0; i < s.length; i++) {
        if (!drop[i]) {
          out.add(s[i]);
        }
      }
    }
    return call("reshape", t(0), list(out.stream().mapToLong(Long::longValue).toArray()));
  }

  private String slice() {
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps;
    if (opset < 10) {
      starts = intsAttr("starts", null);
      ends = intsAttr("ends", null);
      axes = intsAttr("axes", null);
      steps = null;
    } else {
      starts = ints(1);
      ends = ints(2);
      axes = has(3) ? ints(3) : null;
      steps = has(4) ? ints(4) : null;
    }
    int r = rank(0);
    String[] items = new String[r];
    Arrays.fill(items, "..");
    int last = -1;
    for (int i = 0; i < starts.length; i++) {
      if (steps != null && steps[i] != 1) {
        throw new Unsupported("Slice step " + steps[i] + " (.nnet ranges have step 1)");
      }
      int axis = axes == null ? i : (int) normAxis(axes[i], r);
      items[axis] = starts[i] + ".." + ends[i];
      last = Math.max(last, axis);
    }
    if (last < 0) {
      return t(0);
    }
    return t(0) + "[" + String.join(", ", Arrays.copyOf(items, last + 1)) + "]";
  }

  // ---- conv, pooling, pad (against the .nnet API being written) ---------------------------------

  /** pads [b1.., e1..] per spatial axis as PyTorch's pad list: last axis first, (begin, end) pairs. */
  private static String torchPads(long[] begin, long[] end) {
    long[] out = new long[2 * begin.length];
    for (int i = 0; i < begin.length; i++) {
      int axis = begin.length - 1 - i;
      out[2 * i] = begin[axis];
      out[2 * i + 1] = end[axis];
    }
    return list(out);
  }

  private static long[] ones(int n) {
    long[] v = new long[n];
    Arrays.fill(v, 1);
    return v;
  }

  /** Explicit begin/end pads per spatial axis from pads or auto_pad (the output size ceil(in / stride)). */
  private long[][] spatialPads(long[] in, long[] kernel, long[] stride, long[] dilation) {
    int n = in.length;
    long[] begin = new long[n];
    long[] end = new long[n];
    String auto = stringAttr("auto_pad", "NOTSET");
    if (auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
      for (int i = 0; i < n; i++) {
        long out = (in[i] + stride[i] - 1) / stride[i];
        long total = Math.max(0, (out - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - in[i]);
        long small = total / 2;
        begin[i] = auto.equals("SAME_UPPER") ? small : total - small;
        end[i] = total - begin[i];
      }
    } else if (!auto.equals("VALID")) {
      long[] pads = intsAttr("pads", new long[2 * n]);
      System.arraycopy(pads, 0, begin, 0, n);
      System.arraycopy(pads, n, end, 0, n);
    }
    return new long[][] {begin, end};
  }

  private static String biasShape(long channels, int spatial) {
    long[] s = ones(spatial + 1);
    s[0] = channels;
    return list(s);
  }

  private String conv() {
    requireFloat(0);
    long[] xs = shape(0);
    long[] ws = shape(1);
    int n = xs.length - 2;
    long[] kernel = intsAttr("kernel_shape", Arrays.copyOfRange(ws, 2, ws.length));
    long[] stride = intsAttr("strides", ones(n));
    long[] dilation = intsAttr("dilations", ones(n));
    long[][] p = spatialPads(Arrays.copyOfRange(xs, 2, xs.length), kernel, stride, dilation);
    String x = t(0);
    long[] padding = p[0];
    if (!Arrays.equals(p[0], p[1])) {
      x = call("pad", x, torchPads(p[0], p[1]), "mode = \"constant\"");
      padding = new long[n];
    }
    String e = call("conv" + n + "d", x, t(1), "stride = " + list(stride), "padding = " + list(padding),
        "dilation = " + list(dilation), "groups = " + intAttr("group", 1));
    return has(2) ? e + " + " + call("reshape", t(2), biasShape(ws[0], n)) : e;
  }

  private String convTranspose() {
    requireFloat(0);
    long[] xs = shape(0);
    long[] ws = shape(1);
    int n = xs.length - 2;
    long group = intAttr("group", 1);
    long[] kernel = intsAttr("kernel_shape", Arrays.copyOfRange(ws, 2, ws.length));
    long[] stride = intsAttr("strides", ones(n));
    long[] dilation = intsAttr("dilations", ones(n));
    long[] outPad = intsAttr("output_padding", new long[n]).clone();
    long[] outShape = intsAttr("output_shape", null);
    String auto = stringAttr("auto_pad", "NOTSET");
    long[] begin = new long[n];
    long[] end = new long[n];
    long[] full = new long[n]; // the output size without padding
    for (int i = 0; i < n; i++) {
      full[i] = stride[i] * (xs[i + 2] - 1) + outPad[i] + (kernel[i] - 1) * dilation[i] + 1;
    }
    if (outShape != null || auto.startsWith("SAME")) {
      for (int i = 0; i < n; i++) {
        long target = outShape != null ? outShape[outShape.length - n + i] : xs[i + 2] * stride[i];
        long total = full[i] - target;
        if (total < 0) { // a larger output: the extra rows and columns come from output_padding
          outPad[i] -= total;
          full[i] -= total;
          total = 0;
        }
        begin[i] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
        end[i] = total - begin[i];
      }
    } else if (!auto.equals("VALID")) {
      long[] pads = intsAttr("pads", new long[2 * n]);
      System.arraycopy(pads, 0, begin, 0, n);
      System.arraycopy(pads, n, end, 0, n);
    }
    boolean symmetric = Arrays.equals(begin, end);
    String e = call("conv_transpose" + n + "d", t(0), t(1), "stride = " + list(stride),
        "padding = " + list(symmetric ? begin : new long[n]), "output_padding = " + list(outPad),
        "groups = " + group, "dilation = " + list(dilation));
    if (!symmetric) {
      StringJoiner items = new StringJoiner(", ", "[.., .., ", "]");
      for (int i = 0; i < n; i++) {
        items.add(begin[i] + ".." + (full[i] - end[i]));
      }
      e = "(" + e + ")" + items;
    }
    return has(2) ? e + " + " + call("reshape", t(2), biasShape(ws[1] * group, n)) : e;
  }

  private String pool(boolean max) {
    requireFloat(0);
    long[] xs = shape(0);
    int n = xs.length - 2;
    long[] kernel = intsAttr("kernel_shape", null);
    long[] stride = intsAttr("strides", ones(n));
    long[] dilation = intsAttr("dilations", ones(n));
    boolean ceil = intAttr("ceil_mode", 0) != 0;
    boolean includePad = intAttr("count_include_pad", 0) != 0;
    if (max && intAttr("storage_order", 0) != 0) {
      throw new Unsupported("MaxPool storage_order = 1");
    }
    long[][] p = spatialPads(Arrays.copyOfRange(xs, 2, xs.length), kernel, stride, dilation);
    String x = t(0);
    long[] padding = p[0];
    if (!Arrays.equals(p[0], p[1])) {
      if (!max && !includePad) {
        throw new Unsupported("AveragePool with asymmetric pads and count_include_pad = 0");
      }
      x = call("pad", x, torchPads(p[0], p[1]), "mode = \"constant\"",
          "value = " + (max ? num(-Float.MAX_VALUE) : "0.0"));
      padding = new long[n];
    }
    if (max) {
      return call("max_pool" + n + "d", x, list(kernel), "stride = " + list(stride), "padding = " + list(padding),
          "dilation = " + list(dilation), "ceil_mode = " + ceil);
    }
    if (!Arrays.equals(dilation, ones(n))) {
      throw new Unsupported("AveragePool with dilations (avg_pool2d has none)");
    }
    return call("avg_pool" + n + "d", x, list(kernel), "stride = " + list(stride), "padding = " + list(padding),
        "ceil_mode = " + ceil, "count_include_pad = " + includePad);
  }

  private String pad() {
    int r = rank(0);
    long[] pads = opset < 11 ? intsAttr("pads", null) : ints(1);
    double value = 0;
    if (opset < 11) {
      value = floatAttr("value", 0);
    } else if (has(2)) {
      value = in(2).values()[0];
    }
    long[] begin = new long[r];
    long[] end = new long[r];
    if (has(3)) {
      long[] axes = ints(3);
      for (int i = 0; i < axes.length; i++) {
        int a = (int) normAxis(axes[i], r);
        begin[a] = pads[i];
        end[a] = pads[axes.length + i];
      }
    } else {
      System.arraycopy(pads, 0, begin, 0, r);
      System.arraycopy(pads, r, end, 0, r);
    }
    String mode = switch (stringAttr("mode", "constant")) {
      case "constant" -> "constant";
      case "reflect" -> "reflect";
      case "edge" -> "replicate";
      default -> throw new Unsupported("Pad mode " + stringAttr("mode", ""));
    };
    return call("pad", t(0), torchPads(begin, end), "mode = \"" + mode + "\"", "value = " + num(value));
  }
}
