package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlgebraicSimplificationTest {
  private static final Dim N = Dim.symbol("N");
  private static final TensorType X = TensorType.f32(Shape.of(N, Dim.of(4)));
  private static final TensorType SCALAR = TensorType.f32(Shape.scalar());

  /** The node that computes output {@code name} after simplification. */
  private static Node simplified(PlainGraph g, String name) {
    return AlgebraicSimplification.simplify(g.build()).output(name);
  }

  private static void assertIsInput(Node n) {
    assertEquals(new Op.Input("x", X), n.op(), "the rewrite gives x itself");
  }

  @Test
  void neutralElementsDisappear() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int one = g.fill(1, SCALAR);
    int zero = g.floats(new float[] {0, 0, 0, 0}, 4);
    g.output("x*1", g.add(new Op.Binary(BinaryFn.MUL), x, one));
    g.output("1*x", g.add(new Op.Binary(BinaryFn.MUL), one, x));
    g.output("x+0", g.add(new Op.Binary(BinaryFn.ADD), x, zero));
    g.output("0+x", g.add(new Op.Binary(BinaryFn.ADD), zero, x));
    g.output("x-0", g.add(new Op.Binary(BinaryFn.SUB), x, zero));
    g.output("x/1", g.add(new Op.Binary(BinaryFn.DIV), x, one));
    for (String name : List.of("x*1", "1*x", "x+0", "0+x", "x-0", "x/1")) {
      assertIsInput(simplified(g, name));
    }
  }

  @Test
  void neutralElementsStayWhenTheyBroadcastTheOperandOrAreNotNeutral() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int wide = g.fill(1, TensorType.f32(Shape.of(Dim.of(3), N, Dim.of(4))));
    g.output("grows", g.add(new Op.Binary(BinaryFn.MUL), x, wide));
    g.output("0-x", g.add(new Op.Binary(BinaryFn.SUB), g.fill(0, SCALAR), x));
    g.output("x*2", g.add(new Op.Binary(BinaryFn.MUL), x, g.fill(2, SCALAR)));
    g.output("1/x", g.add(new Op.Binary(BinaryFn.DIV), g.fill(1, SCALAR), x));
    for (String name : List.of("grows", "0-x", "x*2", "1/x")) {
      assertInstanceOf(Op.Binary.class, simplified(g, name).op(), name);
    }
  }

  @Test
  void doubleNegationCancels() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int once = g.add(new Op.Unary(UnaryFn.NEG), x);
    g.output("twice", g.add(new Op.Unary(UnaryFn.NEG), once));
    g.output("thrice", g.add(new Op.Unary(UnaryFn.NEG), g.add(new Op.Unary(UnaryFn.NEG), once)));
    assertIsInput(simplified(g, "twice"));
    Node thrice = simplified(g, "thrice");
    assertEquals(new Op.Unary(UnaryFn.NEG), thrice.op());
  }

  @Test
  void whereWithEqualBranchesIsTheBranch() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int c = g.input("c", new TensorType(DType.BOOL, Shape.of(N, Dim.of(1))));
    int wideC = g.input("wide", new TensorType(DType.BOOL, Shape.of(Dim.of(2), N, Dim.of(4))));
    g.output("same", g.add(new Op.Where(), c, x, x));
    g.output("broadcast", g.add(new Op.Where(), wideC, x, x));
    assertIsInput(simplified(g, "same"));
    assertInstanceOf(Op.Where.class, simplified(g, "broadcast").op(), "the condition makes the result larger");
  }

  @Test
  void identityCastsExpandsAndReshapesAreTheirOperand() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    g.output("cast", g.add(new Op.Cast(DType.F32), x));
    g.output("expand", g.add(new Op.Expand(X.shape()), x));
    g.output("reshape", g.add(new Op.Reshape(X.shape()), x));
    g.output("permute", g.add(new Op.Permute(List.of(0, 1)), x));
    g.output("realCast", g.add(new Op.Cast(DType.I64), x));
    for (String name : List.of("cast", "expand", "reshape", "permute")) {
      assertIsInput(simplified(g, name));
    }
    assertEquals(new Op.Cast(DType.I64), simplified(g, "realCast").op());
  }

  @Test
  void aReshapeOfAReshapeIsOneReshape() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int flat = g.add(new Op.Reshape(Shape.of(N.times(Dim.of(4)))), x);
    SourceSpan outer = new SourceSpan("outer.nnet", 9, 1, 9, 5);
    g.output("r", g.add(new Op.Reshape(Shape.of(N, Dim.of(2), Dim.of(2))), outer, flat));
    g.output("back", g.add(new Op.Reshape(X.shape()), flat));
    Node r = simplified(g, "r");
    assertEquals(new Op.Reshape(Shape.of(N, Dim.of(2), Dim.of(2))), r.op());
    assertEquals(List.of(0), r.inputs(), "reads x directly");
    assertEquals(outer, r.span(), "keeps the span of the node it replaces");
    assertIsInput(simplified(g, "back"));
  }

  @Test
  void aPermuteOfAPermuteIsOnePermuteOrNone() throws Exception {
    PlainGraph g = new PlainGraph();
    int w = g.input("w", TensorType.f32(Shape.of(2, 3, 4)));
    int t = g.add(new Op.Permute(List.of(2, 0, 1)), w); // [4, 2, 3]
    g.output("back", g.add(new Op.Permute(List.of(1, 2, 0)), t));
    SourceSpan outer = new SourceSpan("outer.nnet", 3, 3, 3, 4);
    g.output("twice", g.add(new Op.Permute(List.of(2, 0, 1)), outer, t)); // not the inverse
    Graph before = g.build();
    Graph after = AlgebraicSimplification.simplify(before);
    assertEquals(0, after.outputs().get("back"));
    Node twice = after.output("twice");
    assertEquals(List.of(0), twice.inputs());
    assertEquals(Shape.of(3, 4, 2), twice.type().shape());
    assertEquals(outer, twice.span());
    float[] data = new float[24];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    Outputs.assertSame(before, after, Map.of("w", Tensor.of(data, 2, 3, 4)));
  }

  @Test
  void aSecondStopGradientIsNoOp() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int once = g.add(new Op.StopGradient(), x);
    g.output("twice", g.add(new Op.StopGradient(), once));
    Node twice = simplified(g, "twice");
    assertEquals(List.of(0), twice.inputs());
  }

  @Test
  void rulesApplyAlongChainsInOneCall() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Binary(BinaryFn.MUL), x, g.fill(1, SCALAR));
    int b = g.add(new Op.Cast(DType.F32), a);
    int c = g.add(new Op.Reshape(X.shape()), b);
    g.output("y", g.add(new Op.Unary(UnaryFn.EXP), c));
    assertEquals(List.of(0), simplified(g, "y").inputs());
  }

  @Test
  void anExpandThatTheConsumerWouldBroadcastAnywayIsDropped() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int col = g.input("col", TensorType.f32(Shape.of(N, Dim.of(1))));
    int wide = g.add(new Op.Expand(X.shape()), col);
    g.output("mul", g.add(new Op.Binary(BinaryFn.MUL), wide, x));
    int c = g.input("c", new TensorType(DType.BOOL, X.shape()));
    g.output("where", g.add(new Op.Where(), c, wide, x));
    int bigger = g.add(new Op.Expand(Shape.of(Dim.of(2), N, Dim.of(4))), col);
    g.output("grows", g.add(new Op.Binary(BinaryFn.ADD), bigger, x));
    assertEquals(List.of(col, x), simplified(g, "mul").inputs());
    assertEquals(List.of(c, col, x), simplified(g, "where").inputs());
    assertEquals(List.of(bigger, x), simplified(g, "grows").inputs(), "without the expand the result would be smaller");
  }
}
