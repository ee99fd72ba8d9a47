package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.PadMode;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {
  private static final Dim N = Dim.symbol("N");
  private static final TensorType SCALAR = TensorType.f32(Shape.scalar());

  /** The op that computes output {@code name} after folding. */
  private static Op folded(PlainGraph g, String name) {
    return ConstantFolding.fold(g.build()).output(name).op();
  }

  @Test
  void negOfFillOneIsAFillOfMinusOneOverASymbolicShape() {
    PlainGraph g = new PlainGraph();
    int one = g.fill(1.0, TensorType.f32(Shape.of(N)));
    g.output("y", g.add(new Op.Unary(UnaryFn.NEG), one));
    Node y = ConstantFolding.fold(g.build()).output("y");
    assertEquals(new Op.Fill(-1.0, TensorType.f32(Shape.of(N))), y.op());
    assertEquals(PlainGraph.SPAN, y.span());
  }

  @Test
  void fillsOfSymbolicShapeStayFillsThroughBroadcasting() {
    PlainGraph g = new PlainGraph();
    int a = g.fill(2, TensorType.f32(Shape.of(N, Dim.of(4))));
    int b = g.fill(3, SCALAR);
    g.output("y", g.add(new Op.Binary(BinaryFn.MUL), a, b));
    assertEquals(new Op.Fill(6, TensorType.f32(Shape.of(N, Dim.of(4)))), folded(g, "y"));
  }

  @Test
  void smallConstantsFoldElementByElementWithBroadcasting() {
    PlainGraph g = new PlainGraph();
    int col = g.floats(new float[] {1, 2}, 2, 1);
    int row = g.floats(new float[] {10, 20, 30}, 3);
    g.output("y", g.add(new Op.Binary(BinaryFn.ADD), col, row));
    Op.Constant c = assertInstanceOf(Op.Constant.class, folded(g, "y"));
    assertEquals(List.of(2, 3), Arrays.stream(c.value().shape()).boxed().toList());
    assertEquals("[11.0, 21.0, 31.0, 12.0, 22.0, 32.0]", Arrays.toString(c.value().floats()));
  }

  @Test
  void largeResultsAreNeverMaterialized() {
    PlainGraph g = new PlainGraph();
    int n = ConstantFolding.LARGEST_FOLDED_CONSTANT + 1;
    float[] ramp = new float[n];
    for (int i = 0; i < n; i++) {
      ramp[i] = i;
    }
    int big = g.floats(ramp, n);
    int one = g.fill(1, SCALAR);
    g.output("y", g.add(new Op.Binary(BinaryFn.ADD), big, one));
    int wide = g.fill(5, TensorType.f32(Shape.of(n)));
    g.output("z", g.add(new Op.Binary(BinaryFn.ADD), wide, one));
    assertInstanceOf(Op.Binary.class, folded(g, "y"));
    assertEquals(new Op.Fill(6, TensorType.f32(Shape.of(n))), folded(g, "z"), "a fill folds whatever its size");
  }

  @Test
  void integerArithmeticFloorsAndLeavesDivisionByZeroToRunTime() {
    TensorType i64 = new TensorType(DType.I64, Shape.scalar());
    PlainGraph g = new PlainGraph();
    int minusSeven = g.fill(-7, i64);
    int two = g.fill(2, i64);
    int zero = g.fill(0, i64);
    g.output("q", g.add(new Op.Binary(BinaryFn.DIV), minusSeven, two));
    g.output("bad", g.add(new Op.Binary(BinaryFn.DIV), minusSeven, zero));
    assertEquals(new Op.Fill(-4, i64), folded(g, "q"));
    assertInstanceOf(Op.Binary.class, folded(g, "bad"));
  }

  @Test
  void castsConvertAsTheKernelsDo() {
    PlainGraph g = new PlainGraph();
    int x = g.fill(-2.7, SCALAR);
    int nan = g.fill(Double.NaN, SCALAR);
    g.output("i", g.add(new Op.Cast(DType.I64), x));
    g.output("b", g.add(new Op.Cast(DType.BOOL), nan));
    assertEquals(new Op.Fill(-2, new TensorType(DType.I64, Shape.scalar())), folded(g, "i"));
    assertEquals(new Op.Fill(1, new TensorType(DType.BOOL, Shape.scalar())), folded(g, "b"));
  }

  @Test
  void comparisonsAndWhereFold() {
    PlainGraph g = new PlainGraph();
    int a = g.floats(new float[] {1, 5}, 2);
    int b = g.fill(3, SCALAR);
    int gt = g.add(new Op.Binary(BinaryFn.GT), a, b);
    g.output("w", g.add(new Op.Where(), gt, a, b));
    Op.Constant c = assertInstanceOf(Op.Constant.class, folded(g, "w"));
    assertEquals("[3.0, 5.0]", Arrays.toString(c.value().floats()));
  }

  @Test
  void movementOfAFillIsAFill() {
    PlainGraph g = new PlainGraph();
    int s = g.fill(-1, SCALAR);
    int r = g.add(new Op.Reshape(Shape.of(1)), s);
    int e = g.add(new Op.Expand(Shape.of(N)), r);
    g.output("e", e);
    int m = g.fill(2, TensorType.f32(Shape.of(N, Dim.of(3))));
    g.output("p", g.add(new Op.Permute(List.of(1, 0)), m));
    g.output("reflect", g.add(new Op.Pad(PadMode.REFLECT, List.of(0, 1), List.of(0, 1), 0), m));
    g.output("zeros", g.add(new Op.Pad(PadMode.CONSTANT, List.of(0, 1), List.of(0, 1), 0), m));
    g.output("twos", g.add(new Op.Pad(PadMode.CONSTANT, List.of(0, 1), List.of(0, 1), 2), m));
    assertEquals(new Op.Fill(-1, TensorType.f32(Shape.of(N))), folded(g, "e"));
    assertEquals(new Op.Fill(2, TensorType.f32(Shape.of(Dim.of(3), N))), folded(g, "p"));
    assertEquals(new Op.Fill(2, TensorType.f32(Shape.of(N, Dim.of(5)))), folded(g, "reflect"));
    assertInstanceOf(Op.Pad.class, folded(g, "zeros"), "padding 2s with 0s is not uniform");
    assertEquals(new Op.Fill(2, TensorType.f32(Shape.of(N, Dim.of(5)))), folded(g, "twos"));
  }

  @Test
  void aReshapedConstantKeepsItsElements() {
    PlainGraph g = new PlainGraph();
    int c = g.floats(new float[] {1, 2, 3, 4}, 4);
    g.output("r", g.add(new Op.Reshape(Shape.of(2, 2)), c));
    Op.Constant r = assertInstanceOf(Op.Constant.class, folded(g, "r"));
    assertEquals("[2, 2]", Arrays.toString(r.value().shape()));
    assertEquals("[1.0, 2.0, 3.0, 4.0]", Arrays.toString(r.value().floats()));
  }

  @Test
  void reductionsOfAFillFoldOnlyOverKnownCounts() {
    PlainGraph g = new PlainGraph();
    int x = g.fill(0.5, TensorType.f32(Shape.of(Dim.of(4), N)));
    g.output("sum0", g.add(new Op.Reduce(ReduceFn.SUM, List.of(0), false), x));
    g.output("mean0", g.add(new Op.Reduce(ReduceFn.MEAN, List.of(0), true), x));
    g.output("sumN", g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), false), x));
    g.output("maxN", g.add(new Op.Reduce(ReduceFn.MAX, List.of(1), false), x));
    g.output("arg", g.add(new Op.ArgMax(0), x));
    assertEquals(new Op.Fill(2, TensorType.f32(Shape.of(N))), folded(g, "sum0"));
    assertEquals(new Op.Fill(0.5, TensorType.f32(Shape.of(Dim.of(1), N))), folded(g, "mean0"));
    assertInstanceOf(Op.Reduce.class, folded(g, "sumN"), "N is unknown: the sum is N / 2");
    assertInstanceOf(Op.Reduce.class, folded(g, "maxN"), "N may be 0");
    assertEquals(new Op.Fill(0, new TensorType(DType.I64, Shape.of(N))), folded(g, "arg"));
  }

  @Test
  void opsWithoutARuleAndValuesFromOutsideStay() {
    PlainGraph g = new PlainGraph();
    int a = g.fill(1, TensorType.f32(Shape.of(2, 2)));
    g.output("mm", g.add(new Op.MatMul(), a, a));
    int r = g.add(new Op.RandomUniform(TensorType.f32(Shape.of(2)), 0));
    g.output("c", g.add(new Op.Categorical(1), g.fill(0, TensorType.f32(Shape.of(2, 3)))));
    g.output("r", g.add(new Op.Unary(UnaryFn.EXP), r));
    int x = g.input("x", TensorType.f32(Shape.of(2)));
    g.output("x", g.add(new Op.Binary(BinaryFn.ADD), x, g.fill(1, SCALAR)));
    Graph before = g.build();
    assertEquals(before, ConstantFolding.fold(before));
  }

  /** Folding uses the scalar semantics the kernels use: every function, on awkward values, bit for bit. */
  @Test
  void foldedValuesEqualWhatTheExecutorComputes() {
    float[] values = {0f, -0f, 1.5f, -2.25f, 1e30f, -1e-30f, Float.NaN, Float.POSITIVE_INFINITY, 3f};
    PlainGraph g = new PlainGraph();
    int x = g.floats(values, values.length);
    int y = g.floats(new float[] {2f, -0f, 0f, 0.5f, -1e30f, 7f, 1f, Float.NEGATIVE_INFINITY, Float.NaN}, values.length);
    for (UnaryFn fn : UnaryFn.values()) {
      g.output("unary:" + fn.text(), g.add(new Op.Unary(fn), x));
    }
    for (BinaryFn fn : BinaryFn.values()) {
      if (!fn.isLogical()) {
        g.output("binary:" + fn.text(), g.add(new Op.Binary(fn), x, y));
      }
    }
    int bx = g.add(new Op.Cast(DType.BOOL), x);
    int by = g.add(new Op.Cast(DType.BOOL), y);
    g.output("and", g.add(new Op.Binary(BinaryFn.AND), bx, by));
    g.output("or", g.add(new Op.Binary(BinaryFn.OR), bx, by));
    g.output("i64", g.add(new Op.Cast(DType.I64), x));
    TensorType longs = new TensorType(DType.I64, Shape.of(4));
    int li = g.add(new Op.Constant(ConstantData.ofLongs(new long[] {-7, 7, 0, 3}, 4)));
    int lj = g.add(new Op.Constant(ConstantData.ofLongs(new long[] {2, -2, 5, 3}, 4)));
    for (BinaryFn fn : List.of(BinaryFn.ADD, BinaryFn.SUB, BinaryFn.MUL, BinaryFn.DIV, BinaryFn.POW, BinaryFn.MAX,
        BinaryFn.LT, BinaryFn.EQ)) {
      if (fn != BinaryFn.POW) {
        g.output("long:" + fn.text(), g.add(new Op.Binary(fn), li, lj));
      }
    }
    Graph before = g.build();
    Graph after = DeadCode.eliminate(ConstantFolding.fold(before));
    after.outputNodes().forEach((name, n) -> assertInstanceOf(Op.Leaf.class, n.op(), name + " folds"));
    Outputs.assertSame(before, after, Map.of());
    assertEquals(longs.dtype(), after.output("long:div").type().dtype());
  }

  @Test
  void aFoldedConstantIsUsedOnlyOnce() {
    PlainGraph g = new PlainGraph();
    int c = g.fill(1, SCALAR);
    int n = g.add(new Op.Unary(UnaryFn.NEG), c);
    g.output("a", n);
    Graph once = ConstantFolding.fold(g.build());
    assertSame(once.output("a").op().getClass(), Op.Fill.class);
    assertEquals(once, ConstantFolding.fold(once), "folding a folded graph changes nothing");
  }
}
