package dev.nnet.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.ConstantData;
import dev.nnet.ir.ConvGeometry;
import dev.nnet.ir.PadMode;
import dev.nnet.ir.WindowFn;
import dev.nnet.ir.WindowGeometry;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every primitive's gradient rule against central finite differences: for a graph
 * {@code L = sum(f(x, y) * w)} with a fixed random {@code w}, dL/dx and dL/dy from the
 * differentiated graph must match (L(x + h) - L(x - h)) / 2h, evaluated in float32 by the
 * reference executor.
 */
public class GradientCheckTest {
  private static final SourceSpan S = SourceSpan.NONE;

  /** One finite-difference case: input shapes, the function of them, and the range inputs are drawn from. */
  public record Case(String name, List<int[]> shapes, Function<List<Value>, Function<GraphBuilder, Value>> f, double low,
      double high) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Value op(GraphBuilder b, Op op, Value... in) {
    return b.addChecked(op, S, in);
  }

  static Case unary(UnaryFn fn, double low, double high) {
    return new Case(fn.text(), List.of(new int[] {3, 4}), in -> b -> op(b, new Op.Unary(fn), in.get(0)), low, high);
  }

  static Case binary(BinaryFn fn, int[] a, int[] c, double low, double high) {
    return new Case(fn.text() + " " + java.util.Arrays.toString(a) + java.util.Arrays.toString(c), List.of(a, c),
        in -> b -> op(b, new Op.Binary(fn), in.get(0), in.get(1)), low, high);
  }

  /** Every finite-difference case (also read by the op coverage test). */
  public static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(unary(UnaryFn.NEG, -2, 2));
    cases.add(unary(UnaryFn.EXP, -2, 2));
    cases.add(unary(UnaryFn.LOG, 0.5, 3));
    cases.add(unary(UnaryFn.SQRT, 0.5, 3));
    cases.add(unary(UnaryFn.ABS, 0.2, 2));
    cases.add(unary(UnaryFn.TANH, -2, 2));
    cases.add(unary(UnaryFn.SIGMOID, -3, 3));
    cases.add(unary(UnaryFn.RECIPROCAL, 0.5, 2));
    cases.add(unary(UnaryFn.SIN, -2, 2));
    cases.add(unary(UnaryFn.COS, -2, 2));
    cases.add(unary(UnaryFn.ERF, -1.5, 1.5));
    int[] m = {3, 4};
    for (BinaryFn fn : List.of(BinaryFn.ADD, BinaryFn.SUB, BinaryFn.MUL, BinaryFn.DIV)) {
      cases.add(binary(fn, m, m, 0.5, 2));
      cases.add(binary(fn, m, new int[] {4}, 0.5, 2)); // broadcast a row
      cases.add(binary(fn, new int[] {3, 1}, m, 0.5, 2)); // broadcast a column
    }
    cases.add(binary(BinaryFn.POW, m, m, 0.5, 2));
    cases.add(binary(BinaryFn.MAX, m, m, -2, 2));
    cases.add(binary(BinaryFn.MIN, m, new int[] {4}, -2, 2));
    cases.add(new Case("matmul", List.of(new int[] {3, 5}, new int[] {5, 2}),
        in -> b -> op(b, new Op.MatMul(), in.get(0), in.get(1)), -1, 1));
    for (boolean ta : List.of(false, true)) {
      for (boolean tb : List.of(false, true)) {
        if (ta || tb) { // op(a) is [3, 5], op(b) is [5, 2]
          Op.MatMul mm = new Op.MatMul(ta, tb);
          cases.add(new Case(mm.text(), List.of(ta ? new int[] {5, 3} : new int[] {3, 5}, tb ? new int[] {2, 5}
              : new int[] {5, 2}), in -> b -> op(b, mm, in.get(0), in.get(1)), -1, 1));
        }
      }
    }
    cases.add(new Case("batched matmul transpose_a transpose_b", List.of(new int[] {2, 5, 3}, new int[] {4, 5}),
        in -> b -> op(b, new Op.MatMul(true, true), in.get(0), in.get(1)), -1, 1));
    cases.add(new Case("batched matmul broadcast", List.of(new int[] {2, 3, 5}, new int[] {5, 4}),
        in -> b -> op(b, new Op.MatMul(), in.get(0), in.get(1)), -1, 1));
    cases.add(new Case("sum axis 1", List.of(new int[] {3, 4}),
        in -> b -> op(b, new Op.Reduce(ReduceFn.SUM, List.of(1), false), in.get(0)), -1, 1));
    cases.add(new Case("mean all", List.of(new int[] {3, 4}),
        in -> b -> op(b, new Op.Reduce(ReduceFn.MEAN, List.of(0, 1), false), in.get(0)), -1, 1));
    cases.add(new Case("max axis 0 keep", List.of(new int[] {3, 4}),
        in -> b -> op(b, new Op.Reduce(ReduceFn.MAX, List.of(0), true), in.get(0)), -1, 1));
    cases.add(new Case("reshape", List.of(new int[] {3, 4}),
        in -> b -> op(b, new Op.Reshape(Shape.of(2, 6)), in.get(0)), -1, 1));
    cases.add(new Case("permute", List.of(new int[] {2, 3, 4}),
        in -> b -> op(b, new Op.Permute(List.of(2, 0, 1)), in.get(0)), -1, 1));
    cases.add(new Case("expand", List.of(new int[] {3, 1}),
        in -> b -> op(b, new Op.Expand(Shape.of(2, 3, 4)), in.get(0)), -1, 1));
    cases.add(new Case("slice", List.of(new int[] {5, 3}),
        in -> b -> op(b, new Op.Slice(0, 1, 4, 1), in.get(0)), -1, 1));
    cases.add(new Case("concat", List.of(new int[] {2, 3}, new int[] {2, 2}),
        in -> b -> op(b, new Op.Concat(1), in.get(0), in.get(1)), -1, 1));
    cases.add(new Case("where", List.of(new int[] {3, 4}, new int[] {3, 4}),
        in -> b -> op(b, new Op.Where(), op(b, new Op.Binary(BinaryFn.GT), in.get(0), in.get(1)), in.get(0), in.get(1)),
        -1, 1));
    cases.add(new Case("gather", List.of(new int[] {5, 3}),
        in -> b -> op(b, new Op.Gather(), in.get(0),
            b.addChecked(new Op.Constant(ConstantData.ofLongs(new long[] {4, 0, 4, 2}, 4)), S)), -1, 1));
    cases.add(new Case("log_softmax composite", List.of(new int[] {3, 4}), in -> b -> {
      Value x = in.get(0);
      Value mx = op(b, new Op.StopGradient(), op(b, new Op.Reduce(ReduceFn.MAX, List.of(1), true), x));
      Value sh = op(b, new Op.Binary(BinaryFn.SUB), x, mx);
      Value lse = op(b, new Op.Unary(UnaryFn.LOG),
          op(b, new Op.Reduce(ReduceFn.SUM, List.of(1), true), op(b, new Op.Unary(UnaryFn.EXP), sh)));
      return op(b, new Op.Binary(BinaryFn.SUB), sh, lse);
    }, -2, 2));
    addSpatialCases(cases);
    addScanCases(cases);
    return cases.stream().map(Arguments::of);
  }

  /**
   * A scan: an RNN cell {@code h' = tanh(h @ w + x_t)} over 3 steps, forwards and reversed, with the
   * gradient flowing into the initial carry, every step of the sequence and the captured weight,
   * through the final carry and the stacked outputs alike.
   */
  private static void addScanCases(List<Case> cases) {
    for (boolean reverse : new boolean[] {false, true}) {
      cases.add(new Case("scan rnn" + (reverse ? " reversed" : ""),
          List.of(new int[] {2, 3}, new int[] {3, 2, 3}, new int[] {3, 3}), in -> b -> {
            GraphBuilder body = b.child();
            Value h = body.input("carry0", in.get(0).type());
            Value x = body.input("x0", TensorType.f32(Shape.of(2, 3)));
            Value next = op(body, new Op.Unary(UnaryFn.TANH),
                op(body, new Op.Binary(BinaryFn.ADD), op(body, new Op.MatMul(), h, in.get(2)), x));
            body.output("carry0", next);
            body.output("y0", op(body, new Op.Binary(BinaryFn.MUL), next, next));
            Op.Scan scan = new Op.Scan(body.build(), 1, 1, body.captures().size(), dev.nnet.ir.Dim.of(3), reverse);
            List<Value> operands = new ArrayList<>(List.of(in.get(0), in.get(1)));
            operands.addAll(body.captures());
            Value s = op(b, scan, operands.toArray(Value[]::new));
            Value last = op(b, new Op.ScanResult(0, scan.resultType(0)), s);
            Value ys = op(b, new Op.ScanResult(1, scan.resultType(1)), s);
            return op(b, new Op.Binary(BinaryFn.ADD), ys, last); // [3, 2, 3] + [2, 3]
          }, -1, 1));
    }
  }

  /** Padding, convolution and its two adjoints, window reductions and their adjoints, flip. */
  private static void addSpatialCases(List<Case> cases) {
    for (PadMode mode : PadMode.values()) {
      cases.add(new Case("pad " + mode.text(), List.of(new int[] {2, 3, 4}),
          in -> b -> op(b, new Op.Pad(mode, List.of(0, 2, 1), List.of(1, 1, 3), 0.5), in.get(0)), -1, 1));
      cases.add(new Case("pad_transpose " + mode.text(), List.of(new int[] {3, 6, 8}),
          in -> b -> op(b, new Op.PadTranspose(mode, List.of(0, 2, 1), List.of(1, 1, 3)), in.get(0)), -1, 1));
    }
    cases.add(new Case("flip", List.of(new int[] {2, 3, 4}),
        in -> b -> op(b, new Op.Flip(List.of(0, 2)), in.get(0)), -1, 1));
    ConvGeometry strided = new ConvGeometry(List.of(2, 1), List.of(1, 0), List.of(0, 2), List.of(1, 2), 2);
    cases.add(new Case("conv 2d stride dilation groups asymmetric padding",
        List.of(new int[] {2, 4, 7, 6}, new int[] {6, 2, 3, 2}),
        in -> b -> op(b, new Op.Conv(strided), in.get(0), in.get(1)), -1, 1));
    cases.add(new Case("conv 1d", List.of(new int[] {2, 3, 9}, new int[] {4, 3, 3}),
        in -> b -> op(b, new Op.Conv(new ConvGeometry(List.of(2), List.of(1), List.of(1), List.of(1), 1)),
            in.get(0), in.get(1)), -1, 1));
    cases.add(new Case("conv 3d depthwise", List.of(new int[] {1, 2, 4, 4, 3}, new int[] {2, 1, 2, 2, 2}),
        in -> b -> op(b, new Op.Conv(new ConvGeometry(List.of(1, 2, 1), List.of(0, 1, 0), List.of(0, 0, 1),
            List.of(1, 1, 1), 2)), in.get(0), in.get(1)), -1, 1));
    // conv_transpose: [N, O, *OS] and [O, C/g, *K] to [N, C, *S]: S = 7x6 gives OS = 3x6 under `strided`
    cases.add(new Case("conv_transpose 2d", List.of(new int[] {2, 6, 3, 6}, new int[] {6, 2, 3, 2}),
        in -> b -> op(b, new Op.ConvTranspose(strided, List.of(dev.nnet.ir.Dim.of(7), dev.nnet.ir.Dim.of(6))),
            in.get(0), in.get(1)), -1, 1));
    cases.add(new Case("conv_filter_grad 2d", List.of(new int[] {2, 4, 7, 6}, new int[] {2, 6, 3, 6}),
        in -> b -> op(b, new Op.ConvFilterGrad(strided, List.of(3, 2)), in.get(0), in.get(1)), -1, 1));
    WindowGeometry overlapping = new WindowGeometry(List.of(3, 2), List.of(2, 1), List.of(1, 2));
    cases.add(new Case("window sum", List.of(new int[] {2, 3, 7, 5}),
        in -> b -> op(b, new Op.Window(WindowFn.SUM, overlapping), in.get(0)), -1, 1));
    // Max: values spread far enough apart that a step of h never changes which one wins.
    cases.add(new Case("window max", List.of(new int[] {2, 7, 5}),
        in -> b -> op(b, new Op.Window(WindowFn.MAX, overlapping), in.get(0)), -50, 50));
    cases.add(new Case("window_sum_transpose", List.of(new int[] {2, 3, 3, 3}),
        in -> b -> op(b, new Op.WindowSumTranspose(overlapping, List.of(dev.nnet.ir.Dim.of(7), dev.nnet.ir.Dim.of(5))),
            in.get(0)), -1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) {
    SplittableRandom rng = new SplittableRandom(c.name().hashCode());
    GraphBuilder b = new GraphBuilder();
    List<Value> inputs = new ArrayList<>();
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (int i = 0; i < c.shapes().size(); i++) {
      int[] shape = c.shapes().get(i);
      inputs.add(b.input("x" + i, TensorType.f32(Shape.of(java.util.Arrays.stream(shape).asLongStream().toArray()))));
      float[] d = new float[(int) Tensor.numel(shape)];
      for (int k = 0; k < d.length; k++) {
        double v = c.low() + (c.high() - c.low()) * rng.nextDouble();
        d[k] = (float) v;
      }
      feeds.put("x" + i, Tensor.of(d, shape));
    }
    Value y = c.f().apply(inputs).apply(b);
    int[] yShape = y.shape().sizes();
    float[] w = new float[(int) Tensor.numel(yShape)];
    for (int k = 0; k < w.length; k++) {
      w[k] = (float) (rng.nextDouble() * 2 - 1);
    }
    Value weights = b.addChecked(new Op.Constant(ConstantData.ofFloats(DType.F32, w, yShape)), S);
    Value loss = op(b, new Op.Reduce(ReduceFn.SUM, GraphBuilder.allAxes(y.rank()), false),
        op(b, new Op.Binary(BinaryFn.MUL), y, weights));
    List<Value> grads = Differentiator.gradients(b, loss, inputs);
    b.output("loss", loss);
    for (int i = 0; i < grads.size(); i++) {
      b.output("grad" + i, grads.get(i));
    }
    dev.nnet.ir.Graph graph = b.build();
    for (dev.nnet.runtime.backend.Backend backend : dev.nnet.runtime.backend.Backends.all()) {
      checkOn(backend.name(), backend.compile(graph, dev.nnet.ir.Signature.ofFunction(graph)), c, inputs.size(), feeds);
    }
  }

  /** Compares the analytic gradients of one backend's run with central differences of its loss. */
  private static void checkOn(String backend, dev.nnet.runtime.backend.CompiledGraph exec, Case c, int inputs,
      Map<String, Tensor> feeds) {
    Map<String, Tensor> out = exec.run(feeds, 1);
    double h = 1e-2;
    for (int i = 0; i < inputs; i++) {
      Tensor x = feeds.get("x" + i);
      float[] g = out.get("grad" + i).floats();
      assertEquals(x.size(), g.length, "gradient of x" + i + " has the input's size");
      for (int k = 0; k < x.size(); k++) {
        float orig = x.floats()[k];
        x.floats()[k] = (float) (orig + h);
        double up = exec.run(feeds, 1).get("loss").item();
        x.floats()[k] = (float) (orig - h);
        double down = exec.run(feeds, 1).get("loss").item();
        x.floats()[k] = orig;
        double numeric = (up - down) / (2 * h);
        double tolerance = 2e-2 * Math.max(1, Math.abs(numeric));
        assertTrue(Math.abs(numeric - g[k]) <= tolerance,
            c.name() + " on " + backend + ": d/dx" + i + "[" + k + "] analytic " + g[k] + " vs numeric " + numeric);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void unusedInputGetsZeroGradient() {
    GraphBuilder b = new GraphBuilder();
    Value x = b.input("x", TensorType.f32(Shape.of(2)));
    Value z = b.input("z", TensorType.f32(Shape.of(2)));
    Value loss = op(b, new Op.Reduce(ReduceFn.SUM, List.of(0), false), x);
    List<Value> g = Differentiator.gradients(b, loss, List.of(x, z));
    b.output("gz", g.get(1));
    Map<String, Tensor> out = new Executor(b.build()).run(
        Map.of("x", Tensor.of(new float[] {1, 2}, 2), "z", Tensor.of(new float[] {3, 4}, 2)), 0);
    assertEquals(0f, out.get("gz").floats()[0]);
    assertEquals(DType.F32, out.get("gz").dtype());
  }
}
