package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GraphParserTest {
  @Test
  void printParsePrintIsTheIdentityOnAGraphWithEveryOp() throws Exception {
    Graph g = EveryOpGraph.build();
    String text = GraphPrinter.print(g);
    Graph parsed = GraphParser.parse(text);
    assertEquals(text, GraphPrinter.print(parsed));
    assertEquals(g.outputs(), parsed.outputs());
    for (Node n : g.nodes()) {
      Node p = parsed.node(n.id());
      assertEquals(n.type(), p.type(), "%" + n.id());
      assertEquals(n.inputs(), p.inputs(), "%" + n.id());
      if (n.op() instanceof Op.Scan scan) { // its body's spans keep only the file name, as printed
        assertEquals(scan.body().dump(), ((Op.Scan) p.op()).body().dump(), "%" + n.id());
      } else if (!(n.op() instanceof Op.Constant)) { // constants compare by identity
        assertEquals(n.op(), p.op(), "%" + n.id());
      }
    }
  }

  /** Fails when an op is added to {@link Op} but not to {@link EveryOpGraph}, so the round trip covers it too. */
  @Test
  void theEveryOpGraphHasEveryOp() throws Exception {
    Set<String> all = new TreeSet<>();
    for (Class<?> category : Op.class.getPermittedSubclasses()) {
      for (Class<?> op : category.getPermittedSubclasses()) {
        all.add(op.getSimpleName());
      }
    }
    Set<String> used = new TreeSet<>();
    EveryOpGraph.build().nodes().forEach(n -> used.add(n.op().getClass().getSimpleName()));
    all.removeAll(used);
    assertEquals(Set.of(), all, "ops missing from EveryOpGraph");
  }

  @Test
  void constantsKeepEveryElementExactly() throws Exception {
    GraphBuilder b = new GraphBuilder();
    b.output("c", b.add(new Op.Constant(ConstantData.ofFloats(DType.F32, new float[] {0.1f, Float.MIN_VALUE, -0f}, 3)), null));
    b.output("i", b.add(new Op.Constant(ConstantData.ofLongs(new long[] {Long.MAX_VALUE}, 1, 1)), null));
    Graph parsed = GraphParser.parse(b.build().dump());
    float[] f = ((Op.Constant) parsed.node(0).op()).value().floats();
    assertEquals(Float.floatToIntBits(0.1f), Float.floatToIntBits(f[0]));
    assertEquals(Float.MIN_VALUE, f[1]);
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(f[2]));
    assertEquals(Long.MAX_VALUE, ((Op.Constant) parsed.node(1).op()).value().longs()[0]);
  }

  @Test
  void spansKeepTheFileNameLineAndColumn() throws Exception {
    Graph parsed = GraphParser.parse(EveryOpGraph.build().dump());
    assertEquals(new SourceSpan("model.nnet", 3, 7, 3, 7), parsed.node(0).span());
    assertEquals(SourceSpan.NONE, parsed.node(2).span());
  }

  @Test
  void floorDivisionsInDimsReadBackAsTheSameDim() throws Exception {
    Dim h = Dim.symbol("H");
    Dim atom = h.minus(Dim.of(3)).floorDiv(Dim.of(2));
    for (Dim d : new Dim[] {atom, atom.times(Dim.of(2)), atom.plus(Dim.of(1)).times(Dim.symbol("W")),
        atom.minus(Dim.of(1)).floorDiv(Dim.of(2)), Dim.of(-4).times(h).plus(Dim.of(1)), Dim.of(0).minus(h)}) {
      GraphBuilder b = new GraphBuilder();
      b.output("x", b.input("x", TensorType.f32(Shape.of(d))));
      Graph parsed = GraphParser.parse(b.build().dump());
      assertEquals(d, parsed.node(0).type().shape().dim(0), d.toString());
    }
  }

  @Test
  void commentLinesSuchAsFusionGroupsAreSkipped() throws Exception {
    Graph g = EveryOpGraph.build();
    String annotated = GraphPrinter.print(g, Map.of(3, "group 1: %3", 20, "group 2: %20 %21"));
    assertTrue(annotated.contains("  # group 2: %20 %21\n"));
    assertEquals(GraphPrinter.print(g), GraphPrinter.print(GraphParser.parse(annotated)));
  }

  @Test
  void anUnknownOpIsAnErrorOnItsLine() {
    IrSyntaxError e = assertThrows(IrSyntaxError.class, () -> GraphParser.parse(
        "graph {\n  %0 = input \"x\" : [2]\n  %1 = frobnicate %0 : [2]\n  output y = %1\n}\n"));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("unknown op `frobnicate`"), e.getMessage());
  }

  @Test
  void malformedLinesAreErrorsWithTheirLineNumbers() {
    String[][] cases = {
        {"graph {\n  %0 = input \"x\" : [2\n}\n", "2"},
        {"graph {\n  %0 = input \"x\" : [2]\n  %1 = exp %5 : [2]\n}\n", "3"},
        {"graph {\n  %0 = input \"x\" : [2]\n  %1 = exp %0 : [3]\n}\n", "3"},
        {"graph {\n  %0 = input \"x\" : [2]\n  %2 = exp %0 : [2]\n}\n", "3"},
        {"graph {\n  %0 = input \"x\" : [2]\n  %1 = reduce_sum[7] %0 : []\n}\n", "3"},
        {"graph {\n  %0 = input \"x\" : [2]\n  %1 = add %0 : [2]\n}\n", "3"},
        {"graph {\n  %0 = input \"x\" : [2]\n\n  output y = %4\n}\n", "4"},
        {"graph {\n  %0 = input \"x\" : [2] extra\n}\n", "2"},
        {"graph {\n  %0 = const [1.0, 2.0] : [3]\n}\n", "2"},
        {"graph {\n  %0 = random_uniform salt=0 : i64[3]\n}\n", "2"},
        {"graph {\n  %0 = random_normal : [3]\n}\n", "2"},
        {"graph {\n  %0 = random_normal salt=-2 : [3]\n}\n", "2"},
        {"graph {\n  %0 = random_permutation salt=1 : i64[3, 2]\n}\n", "2"},
        {"graph {\n  %0 = input \"x\" : [4]\n  %1 = categorical salt=1 %0 : i64[4]\n}\n", "3"},
        {"graph {\n  %0 = input \"x\" : [2]\n", "3"},
        {"nodes {\n}\n", "1"},
    };
    for (String[] c : cases) {
      IrSyntaxError e = assertThrows(IrSyntaxError.class, () -> GraphParser.parse(c[0]), c[0]);
      assertEquals(Integer.parseInt(c[1]), e.line(), c[0] + " -> " + e.getMessage());
    }
  }
}
