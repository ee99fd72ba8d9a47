package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
