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

  @Test
  void nodesAddedInsideALibraryCallKeepTheUsersCallOutsideItsFileOnly() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(2)));
    SourceSpan call = new SourceSpan("m.nnet", 11, 10, 11, 40);
    SourceSpan library = new SourceSpan("std/nn.nnet", 74, 13, 74, 30);
    SourceSpan user = new SourceSpan("m.nnet", 3, 5, 3, 9);
    SourceSpan.Call before = g.enterLibraryCall(new SourceSpan.Call("cross_entropy", call));
    GraphBuilder body = g.child();
    Value inLibrary = body.add(new Op.Unary(UnaryFn.EXP), library, body.input("h", TensorType.f32(Shape.of(2))));
    Value callback = g.add(new Op.Unary(UnaryFn.LOG), user, x);
    g.enterLibraryCall(before);
    Value after = g.add(new Op.Unary(UnaryFn.NEG), library, x);
    assertEquals(call, body.node(inLibrary.id()).span().inUserCode(), "a scan body's nodes too");
    assertEquals("cross_entropy", body.node(inLibrary.id()).span().caller().callee());
    assertEquals(user, g.node(callback.id()).span().inUserCode(), "the user's own code stays where it is");
    assertEquals(null, g.node(after.id()).span().caller());
  }
}
