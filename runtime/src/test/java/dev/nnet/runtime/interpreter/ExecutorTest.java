package dev.nnet.runtime.interpreter;

import dev.nnet.runtime.exec.MatMulKernelTest;
import dev.nnet.runtime.exec.ExecutionError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecutorTest {
  private static final Dim N = Dim.symbol("N");
  private static final SourceSpan X_SPAN = new SourceSpan("mlp.nnet", 3, 5, 3, 20);

  /** {@code y = relu(x @ w^T + b)} with x: [N, 4], w: [3, 4], b: [3], as the compiler lowers a Linear. */
  private static Graph linearRelu() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.add(new Op.Input("x", TensorType.f32(Shape.of(N, Dim.of(4)))), X_SPAN);
    Value w = g.parameter("w", TensorType.f32(Shape.of(3, 4)), true);
    Value b = g.parameter("b", TensorType.f32(Shape.of(3)), true);
    Value wt = g.add(new Op.Permute(List.of(1, 0)), null, w);
    Value z = g.add(new Op.Binary(BinaryFn.ADD), null, g.add(new Op.MatMul(), null, x, wt), b);
    Value zero = g.add(new Op.Fill(0, TensorType.f32(Shape.of(N, Dim.of(3)))), null);
    g.output("y", g.add(new Op.Binary(BinaryFn.MAX), null, z, zero));
    g.output("total", g.add(new Op.Reduce(ReduceFn.SUM, List.of(0, 1), false), null, z));
    return g.build();
  }

  @Test
  void firstNonFiniteNamesTheFirstNodeInExecutionOrderWhoseValueIsNaNOrInfinite() throws Exception {
    // y = sqrt(x - 1) then log(y): x = 0 makes sqrt NaN first; the log of it is NaN too, but later.
    SourceSpan sqrtSpan = new SourceSpan("f.nnet", 4, 7, 4, 20);
    SourceSpan logSpan = new SourceSpan("f.nnet", 5, 7, 5, 20);
    GraphBuilder g = new GraphBuilder();
    Value x = g.add(new Op.Input("x", TensorType.f32(Shape.of(N))), X_SPAN);
    Value one = g.add(new Op.Fill(1, TensorType.f32(Shape.scalar())), null);
    Value shifted = g.add(new Op.Binary(BinaryFn.SUB), null, x, one);
    Value root = g.add(new Op.Unary(UnaryFn.SQRT), sqrtSpan, shifted);
    g.output("y", g.add(new Op.Unary(UnaryFn.LOG), logSpan, root));
    Executor exec = new Executor(g.build());
    var bad = exec.firstNonFinite(Map.of("x", Tensor.of(new float[] {5, 0}, 2)), 1);
    assertEquals(sqrtSpan, bad.span());
    assertEquals("sqrt", bad.op().text());
    assertEquals(null, exec.firstNonFinite(Map.of("x", Tensor.of(new float[] {5, 2}, 2)), 1));
    // A run after the check reuses the executor normally.
    assertArrayEquals(new float[] {(float) Math.log(2)}, exec.run(Map.of("x", Tensor.of(new float[] {5}, 1)), 1).get("y").floats(), 1e-6f);
  }

  @Test
  void runsALinearLayerWithABatchSizeTakenFromTheFeed() throws Exception {
    Tensor x = Tensor.of(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, 2, 4);
    Tensor w = Tensor.of(new float[] {1, 2, 3, 4, -1, -2, -3, -4, 0, 0, 0, 1}, 3, 4);
    Tensor b = Tensor.of(new float[] {0.5f, 0.5f, 0.5f}, 3);
    Map<String, Tensor> out = new Executor(linearRelu()).run(Map.of("x", x, "w", w, "b", b), 1);
    assertEquals(List.of("y", "total"), List.copyOf(out.keySet()));
    // x row 0 picks column 0 of w^T = (1, -1, 0); row 1 picks column 1 = (2, -2, 0); plus 0.5, then relu.
    assertArrayEquals(new int[] {2, 3}, out.get("y").shape());
    assertArrayEquals(new float[] {1.5f, 0, 0.5f, 2.5f, 0, 0.5f}, out.get("y").floats());
    assertEquals(1.5 - 0.5 + 0.5 + 2.5 - 1.5 + 0.5, out.get("total").item(), 1e-6);
  }

  @Test
  void outputsAreTheCallersUntilRecycledThenLaterRunsReuseTheirMemory() throws Exception {
    Executor exec = new Executor(linearRelu());
    Tensor w = Tensor.of(new float[] {1, 2, 3, 4, -1, -2, -3, -4, 0, 0, 0, 1}, 3, 4);
    Tensor b = Tensor.of(new float[] {0.5f, 0.5f, 0.5f}, 3);
    Tensor first = exec.run(Map.of("x", Tensor.full(1f, 2, 4), "w", w, "b", b), 1).get("y");
    float[] kept = first.floats().clone();
    Tensor second = exec.run(Map.of("x", Tensor.full(2f, 2, 4), "w", w, "b", b), 1).get("y");
    assertArrayEquals(kept, first.floats(), "a later run must not write into an earlier run's output");
    assertArrayEquals(new float[] {20.5f, 0, 2.5f, 20.5f, 0, 2.5f}, second.floats());
    exec.recycle(first);
    Tensor third = exec.run(Map.of("x", Tensor.full(3f, 2, 4), "w", w, "b", b), 1).get("y");
    assertArrayEquals(new float[] {30.5f, 0, 3.5f, 30.5f, 0, 3.5f}, third.floats());
    // The next array of its size the run needed was the recycled one: no allocation.
    assertNotEquals(Arrays.toString(kept), Arrays.toString(first.floats()), "the recycled array was not reused");
  }

  @Test
  void wrongShapeNamesTheInputTheShapesAndTheSpan() throws Exception {
    Executor exec = new Executor(linearRelu());
    Map<String, Tensor> feeds = Map.of("x", Tensor.zeros(DType.F32, 2, 5), "w", Tensor.zeros(DType.F32, 3, 4),
        "b", Tensor.zeros(DType.F32, 3));
    ExecutionError e = assertThrows(ExecutionError.class, () -> exec.run(feeds, 1));
    assertEquals("mlp.nnet:3:5: input `x` expects shape [N, 4], got [2, 5]: dim 1 is 5, expected 4", e.getMessage());
    assertEquals(X_SPAN, e.span());
  }

  @Test
  void conflictingSymbolSaysWhereItsValueCameFrom() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(N, Dim.of(2))));
    Value y = g.input("labels", new TensorType(DType.I64, Shape.of(N)));
    g.output("x", x);
    g.output("y", y);
    Executor exec = new Executor(g.build());
    ExecutionError e = assertThrows(ExecutionError.class, () -> exec.run(
        Map.of("x", Tensor.zeros(DType.F32, 8, 2), "labels", Tensor.zeros(DType.I64, 6)), 1));
    assertEquals("input `labels` expects shape [N], got [6]: dim 0 is 6, expected N = 8 (N = 8 from input `x` dim 0)",
        e.getMessage());
  }

  @Test
  void wrongDtypeRankAndMissingFeedsAreReported() throws Exception {
    Executor exec = new Executor(linearRelu());
    Tensor w = Tensor.zeros(DType.F32, 3, 4);
    Tensor b = Tensor.zeros(DType.F32, 3);
    ExecutionError dtype = assertThrows(ExecutionError.class,
        () -> exec.run(Map.of("x", Tensor.zeros(DType.I64, 2, 4), "w", w, "b", b), 1));
    assertTrue(dtype.getMessage().contains("input `x` expects dtype f32 with shape [N, 4], got i64 with shape [2, 4]"),
        dtype.getMessage());
    ExecutionError rank = assertThrows(ExecutionError.class,
        () -> exec.run(Map.of("x", Tensor.zeros(DType.F32, 8), "w", w, "b", b), 1));
    assertTrue(rank.getMessage().contains("expects shape [N, 4] (rank 2), got [8] (rank 1)"), rank.getMessage());
    ExecutionError missing = assertThrows(ExecutionError.class,
        () -> exec.run(Map.of("x", Tensor.zeros(DType.F32, 2, 4), "w", w), 1));
    assertTrue(missing.getMessage().startsWith("missing feed for parameter `b` of type [3]"), missing.getMessage());
  }

  @Test
  void compoundDimsAreSolvedAndChecked() throws Exception {
    Dim t = Dim.symbol("T");
    GraphBuilder g = new GraphBuilder();
    Value flat = g.input("flat", TensorType.f32(Shape.of(N.times(t))));
    Value seq = g.input("seq", TensorType.f32(Shape.of(t)));
    Value r = g.add(new Op.Reshape(Shape.of(N, t)), null, flat);
    g.output("r", g.add(new Op.Binary(BinaryFn.ADD), null, r, seq));
    Executor exec = new Executor(g.build());
    Tensor out = exec.run(Map.of("flat", Tensor.zeros(DType.F32, 6), "seq", Tensor.of(new float[] {1, 2, 3}, 3)), 1).get("r");
    assertArrayEquals(new int[] {2, 3}, out.shape()); // T = 3 from seq, then N = 6 / 3
    assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, out.floats());
    assertThrows(ExecutionError.class, () -> exec.run(
        Map.of("flat", Tensor.zeros(DType.F32, 7), "seq", Tensor.zeros(DType.F32, 3)), 1));
  }

  @Test
  void randomOpsAreReproducibleForAKey() throws Exception {
    GraphBuilder g = new GraphBuilder();
    g.input("x", TensorType.f32(Shape.of(N)));
    g.output("u", g.add(new Op.RandomUniform(TensorType.f32(Shape.of(N, Dim.of(100))), g.nextSalt()), null));
    g.output("n", g.add(new Op.RandomNormal(TensorType.f32(Shape.of(Dim.of(20_000))), g.nextSalt()), null));
    Executor exec = new Executor(g.build());
    Map<String, Tensor> feeds = Map.of("x", Tensor.zeros(DType.F32, 3));
    Map<String, Tensor> a = exec.run(feeds, 42);
    Map<String, Tensor> b = exec.run(feeds, 42);
    Map<String, Tensor> c = exec.run(feeds, 43);
    assertArrayEquals(new int[] {3, 100}, a.get("u").shape());
    assertArrayEquals(a.get("u").floats(), b.get("u").floats());
    assertArrayEquals(a.get("n").floats(), b.get("n").floats());
    assertNotEquals(a.get("u").floats()[0], c.get("u").floats()[0]);
    for (float v : a.get("u").floats()) {
      assertTrue(v >= 0 && v < 1);
    }
    double mean = 0;
    double sq = 0;
    for (float v : a.get("n").floats()) {
      mean += v / 20_000.0;
      sq += v * v / 20_000.0;
    }
    assertEquals(0, mean, 0.05);
    assertEquals(1, sq, 0.05);
  }

  @Test
  void recycledBuffersNeverClobberLiveValues() throws Exception {
    // A chain of same-size intermediates, where some stay alive through a reshape (which shares data)
    // and an output: any premature recycling changes the numbers.
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(4, 4)));
    Value a = g.add(new Op.Unary(UnaryFn.NEG), null, x);            // -x
    Value view = g.add(new Op.Reshape(Shape.of(16)), null, a);       // shares a's array
    Value b = g.add(new Op.Binary(BinaryFn.MUL), null, a, a);        // x^2; a's node dies, view keeps the array
    Value c = g.add(new Op.Unary(UnaryFn.EXP), null, g.add(new Op.Unary(UnaryFn.NEG), null, b));
    Value back = g.add(new Op.Reshape(Shape.of(4, 4)), null, view);
    Value d = g.add(new Op.Binary(BinaryFn.ADD), null, back, c);     // -x + exp(-x^2)
    g.output("b", b);
    g.output("d", d);
    float[] xs = new float[16];
    for (int i = 0; i < 16; i++) {
      xs[i] = i * 0.25f - 2;
    }
    Executor exec = new Executor(g.build());
    for (int run = 0; run < 3; run++) {
      Map<String, Tensor> out = exec.run(Map.of("x", Tensor.of(xs.clone(), 4, 4)), 0);
      for (int i = 0; i < 16; i++) {
        assertEquals(xs[i] * xs[i], out.get("b").floats()[i], 1e-6);
        assertEquals(-xs[i] + Math.exp(-xs[i] * xs[i]), out.get("d").floats()[i], 1e-6);
      }
    }
  }

  @Test
  void matmulTransposeFlagsReadOperandsAsTheirTransposes() throws Exception {
    // w^T @ x two ways: through a copied transpose, and with the flag that reads w where it lies.
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(3, 3)));
    Value w = g.input("w", TensorType.f32(Shape.of(3, 3)));
    Value wt = g.add(new Op.Permute(List.of(1, 0)), null, w);
    Value viaView = g.add(new Op.MatMul(), null, wt, x);
    g.output("mm", viaView);
    g.output("flag", g.add(new Op.MatMul(true, false), null, w, x));
    g.output("mixed", g.add(new Op.Binary(BinaryFn.ADD), null, g.add(new Op.MatMul(), null, x, wt), wt));
    float[] xv = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] wv = {1, 0, 2, 0, 1, 0, 3, 0, 1};
    Map<String, Tensor> out = new Executor(g.build()).run(
        Map.of("x", Tensor.of(xv, 3, 3), "w", Tensor.of(wv, 3, 3)), 0);
    float[] wtv = MatMulKernelTest.transpose(wv, 3, 3);
    float[] mm = new float[9];
    float[] xw = new float[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int p = 0; p < 3; p++) {
          mm[i * 3 + j] += wtv[i * 3 + p] * xv[p * 3 + j];
          xw[i * 3 + j] += xv[i * 3 + p] * wtv[p * 3 + j];
        }
      }
    }
    assertArrayEquals(mm, out.get("mm").floats(), 1e-5f);
    assertArrayEquals(mm, out.get("flag").floats(), 1e-5f);
    for (int i = 0; i < 9; i++) {
      xw[i] += wtv[i];
    }
    assertArrayEquals(xw, out.get("mixed").floats(), 1e-5f);
  }

  /** A weight gradient {@code (x^T dy)^T} equals {@code dy^T x}, the matmul with both flags the optimizer makes of it. */
  @Test
  void transposeOfAMatmulEqualsTheFlaggedMatmul() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(5, 7)));
    Value dy = g.input("dy", TensorType.f32(Shape.of(5, 3)));
    Value xt = g.add(new Op.Permute(List.of(1, 0)), null, x);
    Value grad = g.add(new Op.MatMul(), null, xt, dy); // [7, 3], read only by the transpose
    Value gradT = g.add(new Op.Permute(List.of(1, 0)), null, grad); // [3, 7]
    g.output("g", g.add(new Op.Binary(BinaryFn.MUL), null, gradT, g.scalar(2)));
    g.output("flags", g.add(new Op.Binary(BinaryFn.MUL), null, g.add(new Op.MatMul(true, false), null, dy, x), g.scalar(2)));
    Random r = new Random(5);
    float[] xv = MatMulKernelTest.random(r, 35);
    float[] dyv = MatMulKernelTest.random(r, 15);
    Map<String, Tensor> out = new Executor(g.build()).run(
        Map.of("x", Tensor.of(xv, 5, 7), "dy", Tensor.of(dyv, 5, 3)), 1);
    assertArrayEquals(new int[] {3, 7}, out.get("g").shape());
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < 7; i++) {
        double s = 0;
        for (int p = 0; p < 5; p++) {
          s += (double) xv[p * 7 + i] * dyv[p * 3 + j];
        }
        assertEquals(2 * s, out.get("g").floats()[j * 7 + i], 1e-5);
        assertEquals(2 * s, out.get("flags").floats()[j * 7 + i], 1e-5);
      }
    }
  }

  /** Nodes no output depends on are not run: a failing one (integer division by zero) does not fail the run. */
  @Test
  void nodesNoOutputNeedsAreNotRun() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(2)));
    Value i = g.input("i", new TensorType(DType.I64, Shape.of(2)));
    g.add(new Op.Binary(BinaryFn.DIV), null, i, i); // dead: 0 / 0 would throw
    g.output("y", g.add(new Op.Unary(UnaryFn.NEG), null, x));
    Map<String, Tensor> out = new Executor(g.build()).run(
        Map.of("x", Tensor.of(new float[] {1, 2}, 2), "i", Tensor.zeros(DType.I64, 2)), 1);
    assertArrayEquals(new float[] {-1, -2}, out.get("y").floats());
  }
}
