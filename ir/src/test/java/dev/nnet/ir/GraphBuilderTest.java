package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nnet.ir.GraphBuilder.Value;
import java.util.List;
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
  void aPermuteThatUndoesAnotherGivesBackItsOperand() throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value w = g.input("w", TensorType.f32(Shape.of(2, 3, 4)));
    Value t = g.add(new Op.Permute(List.of(2, 0, 1)), null, w); // [4, 2, 3]
    Value back = g.add(new Op.Permute(List.of(1, 2, 0)), null, t); // axis i of back = axis o[q[i]] of w
    assertEquals(w.id(), back.id());
    assertEquals(w.type(), back.type());
    Value same = g.add(new Op.Permute(List.of(0, 1, 2)), null, w);
    assertEquals(w.id(), same.id(), "the identity order is no op");
    Value twice = g.add(new Op.Permute(List.of(2, 0, 1)), null, t); // not the inverse: a real node
    assertNotEquals(w.id(), twice.id());
    assertEquals(Shape.of(3, 4, 2), twice.type().shape());
  }
}
