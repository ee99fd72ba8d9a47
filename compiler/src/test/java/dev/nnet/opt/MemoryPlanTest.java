package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.driver.Compiler;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {
  private static final Dim N = Dim.symbol("N");
  private static final TensorType X = TensorType.f32(Shape.of(N, Dim.of(4)));

  /**
   * Two values that are alive at once never share a slot (unless one is a view of the other), and
   * a slot is as large as each value in it. Liveness is recomputed here from the definition (reads
   * by nodes that run), not taken from {@link dev.nnet.ir.Liveness}'s last readers.
   */
  static void assertSound(MemoryPlan plan) {
    assertSound(plan, SlotStorage.BYTES);
  }

  /** {@link #assertSound(MemoryPlan)} with sizes and kinds from {@code storage}. */
  static void assertSound(MemoryPlan plan, SlotStorage storage) {
    Graph g = plan.graph();
    int n = g.nodes().size();
    int[] root = new int[n];
    int[] end = new int[n];
    for (Node node : g.nodes()) {
      boolean view = node.op() instanceof Op.Reshape || node.op() instanceof Op.StopGradient
          || node.op() instanceof Op.Cast c && g.node(node.input(0)).type().dtype() == c.to();
      root[node.id()] = view ? root[node.input(0)] : node.id();
      end[node.id()] = node.id();
    }
    dev.nnet.ir.Liveness liveness = dev.nnet.ir.Liveness.of(g);
    for (Node node : g.nodes()) {
      if (!liveness.isLive(node.id())) { // never runs: reads nothing, needs no buffer
        assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(node.id()), "%" + node.id() + " is not run");
        continue;
      }
      for (int in : node.inputs()) {
        end[root[in]] = Math.max(end[root[in]], node.id());
      }
      end[root[node.id()]] = Math.max(end[root[node.id()]], node.id());
    }
    g.outputs().values().forEach(id -> end[root[id]] = n);
    for (int a = 0; a < n; a++) {
      int slot = plan.slotOf().get(a);
      if (slot == MemoryPlan.OUTSIDE) {
        continue;
      }
      if (root[a] == a) {
        SlotStorage.Element e = storage.element(g.node(a).type().dtype()).orElseThrow();
        assertEquals(plan.slotBytes().get(slot), g.node(a).type().shape().numel().times(Dim.of(e.bytes())),
            "slot size of %" + a);
        assertEquals(plan.slotKind().get(slot), e.kind(), "slot kind of %" + a);
      }
      for (int b = a + 1; b < n; b++) {
        if (plan.slotOf().get(b) == slot && root[a] != root[b]) {
          int ra = root[a];
          int rb = root[b];
          boolean overlap = ra <= end[rb] && rb <= end[ra];
          assertFalse(overlap, "%" + ra + " (live to " + end[ra] + ") and %" + rb + " (live to " + end[rb]
              + ") share slot " + slot);
        }
      }
    }
  }

  @Test
  void aDeadValuesSlotIsReusedByAValueOfEqualSize() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Unary(UnaryFn.EXP), x);
    int b = g.add(new Op.Unary(UnaryFn.TANH), a); // a dies here, after b is computed
    int c = g.add(new Op.Unary(UnaryFn.NEG), b); // b dies here; c reuses a's slot
    int d = g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), false), c); // [N]: a size of its own
    g.output("d", d);
    MemoryPlan plan = MemoryPlan.of(g.build());
    assertSound(plan);
    assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(x));
    assertNotEquals(plan.slotOf().get(a), plan.slotOf().get(b), "a is still read while b is computed");
    assertEquals(plan.slotOf().get(a), plan.slotOf().get(c));
    assertEquals(3, plan.slots());
    assertEquals(N.times(Dim.of(16 + 16 + 4)), plan.peakBytes());
    assertEquals(N.times(Dim.of(16 * 3 + 4)), plan.unsharedBytes());
  }

  @Test
  void viewsShareTheirOperandsSlotAndKeepItAlive() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Unary(UnaryFn.EXP), x);
    int flat = g.add(new Op.Reshape(Shape.of(N.times(Dim.of(4)))), a);
    int b = g.add(new Op.Unary(UnaryFn.TANH), x); // a is alive through its view
    int c = g.add(new Op.Binary(BinaryFn.ADD), g.add(new Op.Reshape(X.shape()), flat), b);
    int xView = g.add(new Op.StopGradient(), x);
    g.output("c", c).output("xv", xView);
    MemoryPlan plan = MemoryPlan.of(g.build());
    assertSound(plan);
    assertEquals(plan.slotOf().get(a), plan.slotOf().get(flat));
    assertNotEquals(plan.slotOf().get(a), plan.slotOf().get(b));
    assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(xView), "a view of an input lives outside the plan");
  }

  @Test
  void sizesMustBeEqualAsDimsToShare() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Unary(UnaryFn.EXP), x);
    int t = g.add(new Op.Permute(List.of(1, 0)), a); // [4, N]: the same bytes
    int m = g.add(new Op.Cast(DType.BOOL), t); // bool [4, N]: a quarter of them
    g.output("m", m);
    MemoryPlan plan = MemoryPlan.of(g.build());
    assertSound(plan);
    assertEquals(3, plan.slots());
    assertEquals(N.times(Dim.of(16 + 16 + 4)), plan.peakBytes());
  }

  /** Java's arrays: f32 and bool in {@code float[]}, i64 in {@code long[]}. */
  private static final SlotStorage TYPED = dtype -> java.util.Optional.of(switch (dtype) {
    case F32, BOOL -> new SlotStorage.Element("float", 4);
    case I64 -> new SlotStorage.Element("long", 8);
  });

  @Test
  void valuesOfEqualBytesShareOnlyWhenTheirStorageKindsAgree() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", TensorType.f32(Shape.of(N, Dim.of(2))));
    int a = g.add(new Op.Unary(UnaryFn.EXP), x); // f32 [N, 2]: 8N bytes
    int b = g.add(new Op.Unary(UnaryFn.NEG), a); // a dies here
    int i = g.add(new Op.ArgMax(1), b); // i64 [N]: 8N bytes, a's slot is free; b dies here
    int j = g.add(new Op.Binary(BinaryFn.ADD), i, i);
    g.output("j", j);
    Graph graph = g.build();

    MemoryPlan bytes = MemoryPlan.of(graph);
    assertSound(bytes);
    assertEquals(bytes.slotOf().get(a), bytes.slotOf().get(i), "untyped memory: 8N bytes are 8N bytes");

    MemoryPlan typed = MemoryPlan.of(graph, TYPED);
    assertSound(typed, TYPED);
    assertNotEquals(typed.slotOf().get(a), typed.slotOf().get(i), "a long[] is not a float[]");
    assertEquals("float", typed.slotKind().get(typed.slotOf().get(a)));
    assertEquals("long", typed.slotKind().get(typed.slotOf().get(j)));
    assertEquals(N.times(Dim.of(8)), typed.slotBytes().get(typed.slotOf().get(j)));
  }

  @Test
  void boolStoredAsFloatSharesWithF32OfTheSameLengthAndUnplannedDtypesStayOutside() {
    SlotStorage javaLike = dtype -> dtype == DType.I64 ? java.util.Optional.empty()
        : java.util.Optional.of(new SlotStorage.Element("float", 4));
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Unary(UnaryFn.EXP), x);
    int b = g.add(new Op.Unary(UnaryFn.NEG), a); // a dies here
    int m = g.add(new Op.Binary(BinaryFn.GT), b, x); // bool [N, 4], one float each: a's slot
    int i = g.add(new Op.Cast(DType.I64), m); // i64: outside
    g.output("i", i);
    MemoryPlan plan = MemoryPlan.of(g.build(), javaLike);
    assertSound(plan, javaLike);
    assertEquals(plan.slotOf().get(a), plan.slotOf().get(m));
    assertEquals(N.times(Dim.of(16)), plan.slotBytes().get(plan.slotOf().get(m)));
    assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(i), "i64 is not planned by this storage");
  }

  @Test
  void aScheduleDecidesWhatIsStoredWhenItDiesAndWhichValuesAreViews() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", X);
    int a = g.add(new Op.Unary(UnaryFn.EXP), x);
    int t = g.add(new Op.Unary(UnaryFn.TANH), a); // fused with a, never stored
    int b = g.add(new Op.Unary(UnaryFn.NEG), t); // fused with a and t, stored
    int s = g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), false), a); // [N]
    int c = g.add(new Op.Unary(UnaryFn.EXP), b); // a is dead by now: c may take its slot
    int v = g.add(new Op.Reshape(Shape.of(N.times(Dim.of(4)))), c);
    int out = g.add(new Op.Binary(BinaryFn.MUL), c, c);
    int outView = g.add(new Op.Reshape(Shape.of(N.times(Dim.of(4)))), out);
    g.output("s", s).output("v", v).output("o", outView);
    List<MemoryPlan.Step> schedule = List.of(
        new MemoryPlan.Step(List.of(a, b), List.of(x)), // one loop: a and b stored, t a temporary
        new MemoryPlan.Step(List.of(s), List.of(a)),
        new MemoryPlan.Step(List.of(c), List.of(b)),
        new MemoryPlan.Step(List.of(v), List.of(c)),
        new MemoryPlan.Step(List.of(), List.of(c)), // out: left outside (a fresh array for the caller)
        new MemoryPlan.Step(List.of(outView), List.of(out)));
    MemoryPlan plan = MemoryPlan.of(g.build(), SlotStorage.BYTES, schedule, java.util.Map.of(v, c, outView, out));
    assertNotEquals(plan.slotOf().get(a), plan.slotOf().get(b), "stored by one loop: alive at once");
    assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(t), "a loop's temporary has no slot");
    assertEquals(plan.slotOf().get(a), plan.slotOf().get(c), "a died after the reduction");
    assertEquals(plan.slotOf().get(c), plan.slotOf().get(v), "a view shares its operand's slot");
    assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(out));
    assertEquals(MemoryPlan.OUTSIDE, plan.slotOf().get(outView), "a view of an outside value is outside");
    assertEquals(List.of(a, c, v), plan.valuesIn(plan.slotOf().get(a)));
    assertEquals(3, plan.slots());
  }

  /** The digits MLP's training step, as the compiler plans it. */
  @Test
  void theMlpTrainingStepNeedsFewerSlotsThanNodes() throws Exception {
    Path file = Path.of("../examples/digits/mlp.nnet");
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    Graph step = r.plans().get(0).step();
    MemoryPlan plan = MemoryPlan.of(step);
    assertSound(plan);
    long computed = step.nodes().stream().filter(n -> plan.slotOf().get(n.id()) != MemoryPlan.OUTSIDE).count();
    assertTrue(plan.slots() < computed, plan.slots() + " slots for " + computed + " computed values");
    long n = 32;
    long peak = plan.peakBytes().evaluate(java.util.Map.of("N", n));
    long unshared = plan.unsharedBytes().evaluate(java.util.Map.of("N", n));
    assertTrue(peak < unshared, peak + " vs " + unshared);
  }

  /** Random graphs of elementwise ops, reductions, views and permutes over a few shapes. */
  @Property(tries = 300)
  void noTwoLiveValuesShareASlot(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 9999) Integer> choices) {
    PlainGraph g = new PlainGraph();
    List<Integer> values = new ArrayList<>();
    values.add(g.input("x", X));
    values.add(g.input("y", TensorType.f32(Shape.of(4))));
    for (int choice : choices) {
      int a = values.get(choice % values.size());
      int b = values.get((choice / 7) % values.size());
      TensorType ta = g.build().node(a).type();
      TensorType tb = g.build().node(b).type();
      int added;
      switch ((choice / 50) % 6) {
        case 0 -> added = g.add(new Op.Unary(UnaryFn.EXP), a);
        case 1 -> added = broadcastable(ta, tb) ? g.add(new Op.Binary(BinaryFn.MUL), a, b) : g.add(new Op.Unary(UnaryFn.NEG), b);
        case 2 -> added = ta.rank() == 0 ? g.add(new Op.Unary(UnaryFn.TANH), a)
            : g.add(new Op.Reduce(ReduceFn.SUM, List.of(ta.rank() - 1), false), a);
        case 3 -> added = g.add(new Op.Reshape(ta.shape()), a);
        case 4 -> added = g.add(new Op.StopGradient(), a);
        default -> added = ta.rank() == 2 ? g.add(new Op.Permute(List.of(1, 0)), a) : g.add(new Op.Cast(DType.F32), a);
      }
      values.add(added);
      if (choice % 5 == 0) {
        g.output("out" + added, added);
      }
    }
    g.output("last", values.get(values.size() - 1));
    assertSound(MemoryPlan.of(g.build()));
  }

  private static boolean broadcastable(TensorType a, TensorType b) {
    try {
      new Op.Binary(BinaryFn.MUL).infer(List.of(a, b));
      return true;
    } catch (dev.nnet.ir.ShapeError e) {
      return false;
    }
  }
}
