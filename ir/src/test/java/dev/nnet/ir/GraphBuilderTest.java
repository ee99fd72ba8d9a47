package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nnet.ir.GraphBuilder.Value;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
  @Test
  void identicalPureNodesAreShared() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(2, 3)));
    Value a = g.add(new Op.Unary(UnaryFn.EXP), null, x);
    Value b = g.add(new Op.Unary(UnaryFn.EXP), null, x);
    assertEquals(a.id(), b.id());
  }

  @Test
  void randomOpsAreNeverSharedEvenWithOneSalt() throws Exception {
    GraphBuilder g = new GraphBuilder();
    TensorType t = TensorType.f32(Shape.of(3));
    assertNotEquals(g.add(new Op.RandomUniform(t, 5), null).id(), g.add(new Op.RandomUniform(t, 5), null).id());
  }

  @Test
  void saltsAreUniqueAcrossScanBodiesAndAboveEveryCopiedOne() throws Exception {
    GraphBuilder g = new GraphBuilder();
    GraphBuilder body = g.child();
    long a = g.nextSalt();
    long b = body.nextSalt();
    long c = g.child().nextSalt();
    assertEquals(3, java.util.Set.of(a, b, c).size(), "one counter for the whole traced program");
    g.add(new Op.RandomNormal(TensorType.f32(Shape.of(2)), 40), null); // copied from another graph, say
    assertEquals(41, g.nextSalt());
    // A scan whose body draws with salt 90 reserves it too.
    GraphBuilder inner = new GraphBuilder();
    Value carry = inner.input("carry0", TensorType.f32(Shape.of(2)));
    inner.output("carry0", inner.add(new Op.Binary(BinaryFn.ADD), null, carry,
        inner.add(new Op.RandomUniform(TensorType.f32(Shape.of(2)), 90), null)));
    Value init = g.input("h", TensorType.f32(Shape.of(2)));
    g.add(new Op.Scan(inner.build(), 1, 0, 0, Dim.of(3), false), null, init);
    assertEquals(91, g.nextSalt());
  }
}
