package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionGroupsTest {
  private static final Dim N = Dim.symbol("N");
  private static final TensorType X = TensorType.f32(Shape.of(N, Dim.of(4)));

  /** Every computing node is in one group, leaves in none, and reading groups in order is a schedule. */
  static void assertValidPartition(FusionPlan plan) {
    Graph g = plan.graph();
    Map<Integer, Integer> groupOf = new HashMap<>();
    for (FusionPlan.Group group : plan.groups()) {
      for (int id : group.nodes()) {
        assertEquals(null, groupOf.put(id, group.index()), "%" + id + " is in two groups");
      }
    }
    for (Node n : g.nodes()) {
      assertEquals(!(n.op() instanceof Op.Leaf), groupOf.containsKey(n.id()), "%" + n.id() + " " + n.op().text());
    }
    for (FusionPlan.Group group : plan.groups()) {
      for (int in : group.inputs()) {
        Integer from = groupOf.get(in);
        assertTrue(from == null || from < group.index(), "group " + group.index() + " reads %" + in
            + " of the later group " + from);
      }
      for (int id : group.nodes()) {
        for (int in : g.node(id).inputs()) {
          assertTrue(group.nodes().contains(in) || group.inputs().contains(in), "%" + in + " is an input of group "
              + group.index());
        }
      }
    }
  }

  @Test
  void anElementwiseChainWithBroadcastOperandsIsOneGroup() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int bias = g.input("bias", TensorType.f32(Shape.of(4)));
    int e = g.add(new Op.Unary(UnaryFn.EXP), x);
    int a = g.add(new Op.Binary(BinaryFn.ADD), e, bias);
    int t = g.add(new Op.Unary(UnaryFn.TANH), a);
    g.output("y", t);
    FusionPlan plan = FusionGroups.plan(g.build());
    assertEquals(1, plan.groups().size());
    FusionPlan.Group group = plan.groups().get(0);
    assertEquals(FusionPlan.Kind.ELEMENTWISE, group.kind());
    assertEquals(List.of(e, a, t), group.nodes());
    assertEquals(List.of(x, bias), group.inputs());
    assertEquals(List.of(t), group.outputs());
  }

  @Test
  void aReductionEndsItsGroupAndLaterOpsStartANewOne() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int e = g.add(new Op.Unary(UnaryFn.EXP), x);
    int s = g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), true), e);
    int d = g.add(new Op.Binary(BinaryFn.DIV), e, s);
    int l = g.add(new Op.Unary(UnaryFn.LOG), d);
    g.output("y", l);
    FusionPlan plan = FusionGroups.plan(g.build());
    assertValidPartition(plan);
    assertEquals(2, plan.groups().size());
    assertEquals(FusionPlan.Kind.REDUCTION, plan.groups().get(0).kind());
    assertEquals(List.of(e, s), plan.groups().get(0).nodes());
    assertEquals(List.of(e, s), plan.groups().get(0).outputs(), "exp is read again after the reduction");
    assertEquals(List.of(d, l), plan.groups().get(1).nodes());
  }

  @Test
  void differentShapesAndContractionsSplitGroups() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int w = g.input("w", TensorType.f32(Shape.of(4, 4)));
    int e = g.add(new Op.Unary(UnaryFn.EXP), x);
    int wide = g.add(new Op.Binary(BinaryFn.MUL), e, g.input("z", TensorType.f32(Shape.of(Dim.of(2), N, Dim.of(4)))));
    int m = g.add(new Op.MatMul(), e, w);
    int r = g.add(new Op.Unary(UnaryFn.NEG), m);
    g.output("wide", wide).output("r", r);
    FusionPlan plan = FusionGroups.plan(g.build());
    assertValidPartition(plan);
    assertEquals(List.of(List.of(e), List.of(wide), List.of(m), List.of(r)),
        plan.groups().stream().map(FusionPlan.Group::nodes).toList());
    assertEquals(FusionPlan.Kind.CONTRACTION, plan.groups().get(2).kind());
  }

  @Test
  void aTreeOfTwoChainsMergesIntoOneGroup() {
    PlainGraph g = new PlainGraph();
    int a = g.add(new Op.Unary(UnaryFn.EXP), g.input("a", X));
    int b = g.add(new Op.Unary(UnaryFn.EXP), g.input("b", X));
    int sum = g.add(new Op.Binary(BinaryFn.ADD), a, b);
    g.output("y", sum);
    FusionPlan plan = FusionGroups.plan(g.build());
    assertEquals(1, plan.groups().size());
    assertEquals(List.of(a, b, sum), plan.groups().get(0).nodes());
  }

  @Test
  void aNodeNeverJoinsAGroupThatItsOtherOperandDependsOn() {
    PlainGraph g = new PlainGraph();
    TensorType square = TensorType.f32(Shape.of(4, 4));
    int x = g.input("x", square);
    int e = g.add(new Op.Unary(UnaryFn.EXP), x);
    int m = g.add(new Op.MatMul(), e, e); // reads e's group
    int sum = g.add(new Op.Binary(BinaryFn.ADD), e, m); // joining e's group would make a cycle through m
    g.output("y", sum);
    FusionPlan plan = FusionGroups.plan(g.build());
    assertValidPartition(plan);
    assertEquals(3, plan.groups().size());
    Map<Integer, Integer> groupOf = new HashMap<>();
    plan.groups().forEach(gr -> gr.nodes().forEach(id -> groupOf.put(id, gr.index())));
    assertNotEquals(groupOf.get(e), groupOf.get(sum));
  }

  @Test
  void theNotesNameEachGroupBeforeItsFirstNode() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int e = g.add(new Op.Unary(UnaryFn.EXP), x);
    int s = g.add(new Op.Reduce(ReduceFn.MAX, List.of(0, 1), false), e);
    g.output("y", s);
    String text = FusionGroups.plan(g.build()).dump();
    assertTrue(text.contains("  # group 0 (reduction): %1 %2\n  %1 = exp %0"), text);
  }
}
