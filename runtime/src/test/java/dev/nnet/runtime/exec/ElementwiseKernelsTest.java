package dev.nnet.runtime.exec;

import dev.nnet.ir.Erf;
import static dev.nnet.runtime.exec.SingleOpGraph.assertFloats;
import static dev.nnet.runtime.exec.SingleOpGraph.assertLongs;
import static dev.nnet.runtime.exec.SingleOpGraph.run;
import static dev.nnet.runtime.exec.SingleOpGraph.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Op;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ElementwiseKernelsTest {
  private static Tensor f(float... v) {
    return Tensor.of(v, v.length);
  }

  private static Tensor unary(UnaryFn fn, float... v) throws Exception {
    return run(new Op.Unary(fn), f(v));
  }

  @Test
  void unaryFunctions() throws Exception {
    assertFloats(unary(UnaryFn.NEG, 1, -2, 0), shape(3), -1, 2, -0f);
    assertFloats(unary(UnaryFn.EXP, 0, 1), shape(2), 1, 2.7182817f);
    assertFloats(unary(UnaryFn.LOG, 1, 2.7182817f), shape(2), 0, 1);
    assertFloats(unary(UnaryFn.SQRT, 4, 2), shape(2), 2, 1.4142135f);
    assertFloats(unary(UnaryFn.ABS, -3, 3), shape(2), 3, 3);
    assertFloats(unary(UnaryFn.SIGN, -3, 0, 5), shape(3), -1, 0, 1);
    assertFloats(unary(UnaryFn.TANH, 0, 1), shape(2), 0, 0.7615942f);
    assertFloats(unary(UnaryFn.RECIPROCAL, 4, -0.5f), shape(2), 0.25f, -2);
    assertFloats(unary(UnaryFn.SIN, 0, (float) (Math.PI / 2)), shape(2), 0, 1);
    assertFloats(unary(UnaryFn.COS, 0), shape(1), 1);
    assertFloats(unary(UnaryFn.FLOOR, 1.5f, -1.5f, 2), shape(3), 1, -2, 2);
    assertTrue(Float.isNaN(unary(UnaryFn.LOG, -1).floats()[0]));
  }

  @Test
  void sigmoidIsStableForLargeInputs() throws Exception {
    Tensor y = unary(UnaryFn.SIGMOID, 0, 2, -2, 100, -100, 1000, -1000);
    assertFloats(y, shape(7), 0.5f, 0.880797f, 0.119203f, 1, 3.7200760e-44f, 1, 0);
  }

  @Test
  void erfMatchesReferenceValuesToFloatPrecision() throws Exception {
    // Reference values from Python's math.erf (C libm).
    double[] x = {0, 0.1, 0.5, -0.3, 1, 2, 3, -4, 7};
    double[] want = {0, 0.1124629160182849, 0.5204998778130465, -0.3286267594591274, 0.8427007929497149,
        0.9953222650189527, 0.9999779095030014, -0.9999999845827421, 1};
    for (int i = 0; i < x.length; i++) {
      assertEquals(want[i], Erf.erf(x[i]), 1e-14, "erf(" + x[i] + ")");
    }
    assertFloats(unary(UnaryFn.ERF, 0.5f, -1), shape(2), 0.5204999f, -0.8427008f);
  }

  @Test
  void binaryBroadcastsRowAgainstMatrix() throws Exception {
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
    assertFloats(run(new Op.Binary(BinaryFn.ADD), a, b), shape(2, 3), 11, 22, 33, 14, 25, 36);
    assertFloats(run(new Op.Binary(BinaryFn.SUB), b, a), shape(2, 3), 9, 18, 27, 6, 15, 24);
  }

  @Test
  void binaryBroadcastsColumnAgainstRow() throws Exception {
    Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
    Tensor row = Tensor.of(new float[] {1, 10, 100}, 1, 3);
    assertFloats(run(new Op.Binary(BinaryFn.MUL), col, row), shape(2, 3), 1, 10, 100, 2, 20, 200);
    Tensor scalar = Tensor.scalar(2);
    assertFloats(run(new Op.Binary(BinaryFn.POW), row, scalar), shape(1, 3), 1, 100, 10000);
    assertFloats(run(new Op.Binary(BinaryFn.DIV), scalar, col), shape(2, 1), 2, 1);
  }

  @Test
  void binaryBroadcastsMiddleAxis() throws Exception {
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
    Tensor b = Tensor.of(new float[] {0, 100, 0, 100}, 2, 1, 2); // [2,1,2] repeats over axis 1
    assertFloats(run(new Op.Binary(BinaryFn.MAX), a, b), shape(2, 2, 2), 1, 100, 3, 100, 5, 100, 7, 100);
    assertFloats(run(new Op.Binary(BinaryFn.MIN), a, b), shape(2, 2, 2), 0, 2, 0, 4, 0, 6, 0, 8);
  }

  @Test
  void largeBroadcastSplitAcrossThreadsMatchesSerialResult() throws Exception {
    int rows = 700;
    int cols = 300;
    float[] x = new float[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 97;
    }
    float[] bias = new float[cols];
    for (int j = 0; j < cols; j++) {
      bias[j] = j * 0.5f;
    }
    Tensor y = run(new Op.Binary(BinaryFn.ADD), Tensor.of(x, rows, cols), Tensor.of(bias, cols));
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        assertEquals(x[i * cols + j] + bias[j], y.floats()[i * cols + j]);
      }
    }
  }

  @Test
  void comparisonsGiveBool() throws Exception {
    Tensor a = f(1, 2, 3);
    Tensor b = Tensor.scalar(2);
    Tensor lt = run(new Op.Binary(BinaryFn.LT), a, b);
    assertEquals(DType.BOOL, lt.dtype());
    assertFloats(lt, shape(3), 1, 0, 0);
    assertFloats(run(new Op.Binary(BinaryFn.LE), a, b), shape(3), 1, 1, 0);
    assertFloats(run(new Op.Binary(BinaryFn.GT), a, b), shape(3), 0, 0, 1);
    assertFloats(run(new Op.Binary(BinaryFn.GE), a, b), shape(3), 0, 1, 1);
    assertFloats(run(new Op.Binary(BinaryFn.EQ), a, b), shape(3), 0, 1, 0);
    assertFloats(run(new Op.Binary(BinaryFn.NE), a, b), shape(3), 1, 0, 1);
    assertFloats(run(new Op.Binary(BinaryFn.NE), f(Float.NaN), f(Float.NaN)), shape(1), 1);
  }

  @Test
  void logicalOpsOnBoolAndNoArithmetic() throws Exception {
    Tensor p = Tensor.ofBool(new float[] {1, 1, 0, 0}, 4);
    Tensor q = Tensor.ofBool(new float[] {1, 0, 1, 0}, 4);
    assertFloats(run(new Op.Binary(BinaryFn.AND), p, q), shape(4), 1, 0, 0, 0);
    assertFloats(run(new Op.Binary(BinaryFn.OR), p, q), shape(4), 1, 1, 1, 0);
    assertFloats(run(new Op.Binary(BinaryFn.MAX), p, q), shape(4), 1, 1, 1, 0);
    // Arithmetic on bool is rejected by the op's rule (as PyTorch rejects bool subtraction).
    dev.nnet.ir.ShapeError e = org.junit.jupiter.api.Assertions.assertThrows(dev.nnet.ir.ShapeError.class,
        () -> run(new Op.Binary(BinaryFn.ADD), p, q));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not defined on bool"), e.getMessage());
  }

  @Test
  void i64Arithmetic() throws Exception {
    // 3e9 does not fit an int or a float exactly enough: the kernel must stay in longs.
    Tensor a = Tensor.ofLongs(new long[] {7, -7, 3_000_000_001L}, 3);
    Tensor b = Tensor.ofLongs(new long[] {2}, 1);
    assertLongs(run(new Op.Binary(BinaryFn.ADD), a, b), shape(3), 9, -5, 3_000_000_003L);
    assertLongs(run(new Op.Binary(BinaryFn.SUB), a, b), shape(3), 5, -9, 2_999_999_999L);
    assertLongs(run(new Op.Binary(BinaryFn.MUL), a, b), shape(3), 14, -14, 6_000_000_002L);
    assertLongs(run(new Op.Binary(BinaryFn.DIV), a, b), shape(3), 3, -4, 1_500_000_000L); // floors
    assertLongs(run(new Op.Binary(BinaryFn.MAX), a, b), shape(3), 7, 2, 3_000_000_001L);
    assertLongs(run(new Op.Binary(BinaryFn.MIN), a, b), shape(3), 2, -7, 2);
    assertLongs(run(new Op.Binary(BinaryFn.POW), a, b), shape(3), 49, 49, 9_000_000_006_000_000_001L);
    Tensor gt = run(new Op.Binary(BinaryFn.GT), a, b);
    assertEquals(DType.BOOL, gt.dtype());
    assertFloats(gt, shape(3), 1, 0, 1);
    assertFloats(run(new Op.Binary(BinaryFn.EQ), a, Tensor.ofLongs(new long[] {-7}, 1)), shape(3), 0, 1, 0);
  }

  @Test
  void i64DivisionByZeroNamesTheNode() {
    ExecutionError e = assertThrows(ExecutionError.class, () -> run(new Op.Binary(BinaryFn.DIV),
        Tensor.ofLongs(new long[] {1}, 1), Tensor.ofLongs(new long[] {0}, 1)));
    assertTrue(e.getMessage().startsWith("test.nnet:7:3: integer division by zero"), e.getMessage());
    assertEquals(SingleOpGraph.SPAN, e.span());
  }

  @Test
  void whereBroadcastsAllThree() throws Exception {
    Tensor cond = Tensor.ofBool(new float[] {1, 0}, 2, 1);
    Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
    Tensor b = Tensor.scalar(-1);
    assertFloats(run(new Op.Where(), cond, a, b), shape(2, 3), 1, 2, 3, -1, -1, -1);
    Tensor la = Tensor.ofLongs(new long[] {5, 6}, 2, 1);
    Tensor lb = Tensor.ofLongs(new long[] {0, 0, 0}, 1, 3);
    assertLongs(run(new Op.Where(), cond, la, lb), shape(2, 3), 5, 5, 5, 0, 0, 0);
  }

  @Test
  void casts() throws Exception {
    Tensor x = f(-1.7f, 2.9f, 0f, Float.NaN);
    assertLongs(run(new Op.Cast(DType.I64), f(-1.7f, 2.9f, 0f, -0.2f)), shape(4), -1, 2, 0, 0);
    Tensor bool = run(new Op.Cast(DType.BOOL), x);
    assertEquals(DType.BOOL, bool.dtype());
    assertFloats(bool, shape(4), 1, 1, 0, 1);
    assertFloats(run(new Op.Cast(DType.F32), Tensor.ofLongs(new long[] {3, -4}, 2)), shape(2), 3, -4);
    assertFloats(run(new Op.Cast(DType.BOOL), Tensor.ofLongs(new long[] {3, 0}, 2)), shape(2), 1, 0);
    Tensor asFloat = run(new Op.Cast(DType.F32), Tensor.ofBool(new float[] {1, 0}, 2));
    assertEquals(DType.F32, asFloat.dtype());
    assertFloats(asFloat, shape(2), 1, 0);
    Tensor same = f(1, 2);
    assertSame(same, run(new Op.StopGradient(), same));
  }

  @Test
  void emptyAndSizeOneShapes() throws Exception {
    Tensor empty = Tensor.of(new float[0], 0, 3);
    assertFloats(run(new Op.Binary(BinaryFn.ADD), empty, Tensor.of(new float[] {1, 2, 3}, 3)), shape(0, 3));
    assertFloats(run(new Op.Unary(UnaryFn.EXP), empty), shape(0, 3));
    Tensor one = Tensor.of(new float[] {4}, 1, 1);
    assertFloats(run(new Op.Binary(BinaryFn.MUL), one, Tensor.of(new float[] {1, 2}, 2)), shape(1, 2), 4, 8);
  }
}
