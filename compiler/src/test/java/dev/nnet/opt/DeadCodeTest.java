package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadCodeTest {
  private static final TensorType X = TensorType.f32(Shape.of(3));

  @Test
  void keepsWhatTheOutputsNeedInOrder() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int unused = g.input("unused", X);
    int dead = g.add(new Op.Unary(UnaryFn.EXP), unused);
    int y = g.add(new Op.Unary(UnaryFn.TANH), x);
    g.add(new Op.Binary(BinaryFn.ADD), dead, y);
    g.output("y", y);
    Graph out = DeadCode.eliminate(g.build());
    // Inputs are the graph's interface: an unread one stays (its dead user goes); prune cuts it.
    assertEquals(List.of("x", "unused", "tanh"),
        out.nodes().stream().map(n -> n.op() instanceof Op.Input i ? i.name() : n.op().text()).toList());
    assertEquals(2, out.outputs().get("y"));
    assertEquals(List.of(0), out.node(2).inputs());
    Graph pruned = DeadCode.prune(g.build(), java.util.Set.of("y"));
    assertEquals(List.of("x", "tanh"),
        pruned.nodes().stream().map(n -> n.op() instanceof Op.Input i ? i.name() : n.op().text()).toList());
  }

  @Test
  void randomDrawsStayExactlyWhenAnOutputDependsOnThem() {
    PlainGraph g = new PlainGraph();
    int unread = g.add(new Op.RandomNormal(X, 1));
    int mask = g.add(new Op.RandomUniform(X, 2));
    g.add(new Op.Unary(UnaryFn.EXP), unread);
    g.output("m", g.add(new Op.Unary(UnaryFn.NEG), mask));
    Graph before = g.build();
    Graph out = DeadCode.eliminate(before);
    assertEquals(List.of("random_uniform salt=2", "neg"), out.nodes().stream().map(n -> n.op().text()).toList());
    // The kept draw is renumbered but keeps its salt, so it draws what it drew before.
    Outputs.assertSame(before, out, java.util.Map.of());
  }

  @Test
  void pruneKeepsOnlyTheNamedOutputs() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int label = g.input("label", X);
    int out = g.add(new Op.Unary(UnaryFn.TANH), x);
    g.output("output", out);
    g.output("loss", g.add(new Op.Binary(BinaryFn.SUB), out, label));
    Graph predict = DeadCode.prune(g.build(), Set.of("output"));
    assertEquals(Set.of("output"), predict.outputs().keySet());
    assertEquals(2, predict.nodes().size());
  }
}
