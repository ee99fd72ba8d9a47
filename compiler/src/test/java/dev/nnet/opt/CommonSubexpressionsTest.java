package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import org.junit.jupiter.api.Test;

class CommonSubexpressionsTest {
  private static final TensorType X = TensorType.f32(Shape.of(3));

  private static Graph eliminated(PlainGraph g) {
    return CommonSubexpressions.eliminate(g.build());
  }

  @Test
  void repeatedComputationsBecomeOne() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Unary(UnaryFn.EXP), x);
    int b = g.add(new Op.Unary(UnaryFn.EXP), x);
    g.output("a", g.add(new Op.Unary(UnaryFn.LOG), a));
    g.output("b", g.add(new Op.Unary(UnaryFn.LOG), b)); // equal only once a and b are merged
    g.output("other", g.add(new Op.Unary(UnaryFn.TANH), a));
    Graph out = eliminated(g);
    assertEquals(out.outputs().get("a"), out.outputs().get("b"));
    assertNotEquals(out.outputs().get("a"), out.outputs().get("other"));
  }

  @Test
  void randomDrawsAreNeverMergedEvenWithOneSalt() {
    PlainGraph g = new PlainGraph();
    int a = g.add(new Op.RandomUniform(X, 1));
    int b = g.add(new Op.RandomUniform(X, 1));
    g.output("a", a).output("b", b);
    int ca = g.add(new Op.Categorical(2), a);
    g.output("ca", ca).output("cb", g.add(new Op.Categorical(2), a));
    g.output("ea", g.add(new Op.Unary(UnaryFn.EXP), a)).output("eb", g.add(new Op.Unary(UnaryFn.EXP), b));
    Graph out = eliminated(g);
    assertNotEquals(out.outputs().get("a"), out.outputs().get("b"));
    assertNotEquals(out.outputs().get("ea"), out.outputs().get("eb"));
    assertNotEquals(out.outputs().get("ca"), out.outputs().get("cb"));
  }

  @Test
  void constantsCompareByContent() {
    PlainGraph g = new PlainGraph();
    g.output("a", g.floats(new float[] {1, 2}, 2));
    g.output("same", g.floats(new float[] {1, 2}, 2));
    g.output("otherValue", g.floats(new float[] {1, 3}, 2));
    g.output("otherShape", g.floats(new float[] {1, 2}, 1, 2));
    g.output("zero", g.floats(new float[] {0}, 1));
    g.output("negativeZero", g.floats(new float[] {-0f}, 1));
    g.output("bool", g.add(new Op.Constant(ConstantData.ofFloats(DType.BOOL, new float[] {1, 2}, 2))));
    g.output("i64", g.add(new Op.Constant(ConstantData.ofLongs(new long[] {1, 2}, 2))));
    g.output("i64same", g.add(new Op.Constant(ConstantData.ofLongs(new long[] {1, 2}, 2))));
    Graph out = eliminated(g);
    assertEquals(out.outputs().get("a"), out.outputs().get("same"));
    assertEquals(out.outputs().get("i64"), out.outputs().get("i64same"));
    assertEquals(7, out.nodes().size(), "a, otherValue, otherShape, zero, negativeZero, bool, i64");
  }

  @Test
  void fillsOfDifferentTypesOrValuesStayApart() {
    PlainGraph g = new PlainGraph();
    g.output("a", g.fill(0, X));
    g.output("b", g.fill(0, X));
    g.output("c", g.fill(0, TensorType.f32(Shape.of(4))));
    g.output("d", g.fill(-0.0, X));
    Graph out = eliminated(g);
    assertEquals(out.outputs().get("a"), out.outputs().get("b"));
    assertEquals(3, out.nodes().size());
  }
}
