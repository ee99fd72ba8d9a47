package dev.nnet.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnet.grad.GradientCheckTest;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.ir.WindowFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The conformance ledger of the primitives: every op of {@link Op} (and every function of the
 * function-bearing ones: each {@link UnaryFn}, {@link BinaryFn}, {@link ReduceFn}, {@link WindowFn})
 * must appear in a finite-difference case of {@link GradientCheckTest} and in a graph that was
 * checked against PyTorch's numbers by a golden test, or be listed below with the reason it cannot.
 * A shape rule ({@link Op#infer}), a gradient rule and a reference kernel are enforced by the
 * compiler instead: both dispatch through {@link dev.nnet.ir.OpVisitor}, which has no default.
 *
 * <p>Ops are found by reflection over the sealed hierarchy, so a new op fails this test until it
 * has both kinds of evidence.
 */
class OpCoverageTest {
  /** Ops that need no finite-difference case, and why. */
  private static final Map<String, String> NO_FINITE_DIFFERENCES = Map.ofEntries(
      Map.entry("Input", "a leaf: nothing to differentiate"),
      Map.entry("Parameter", "a leaf: nothing to differentiate"),
      Map.entry("Constant", "a leaf: nothing to differentiate"),
      Map.entry("Fill", "a leaf: nothing to differentiate"),
      Map.entry("Arange", "a leaf: nothing to differentiate"),
      Map.entry("RandomUniform", "a leaf: nothing to differentiate"),
      Map.entry("RandomNormal", "a leaf: nothing to differentiate"),
      Map.entry("RandomPermutation", "a leaf with integer output: nothing to differentiate"),
      Map.entry("Categorical", "declared not differentiable: it produces indices (as argmax)"),
      Map.entry("Cast", "identity gradient f32 to f32, none otherwise; its kernel is tested in ElementwiseKernelsTest"),
      Map.entry("StopGradient", "its gradient is zero by definition (checked in the log_softmax composite case)"),
      Map.entry("ArgMax", "integer output: no gradient"),
      Map.entry("OneHot", "integer input: no gradient"),
      Map.entry("ScatterAdd", "the gradient rule of gather; its own gradient is gather (checked by the gather case)"),
      Map.entry("WindowMaxGrad", "declared not differentiable (no second derivative through max pooling)"),
      Map.entry("unary:sign", "zero gradient almost everywhere"),
      Map.entry("unary:floor", "zero gradient almost everywhere"),
      Map.entry("binary:lt", "bool result: no gradient"), Map.entry("binary:le", "bool result: no gradient"),
      Map.entry("binary:gt", "bool result: no gradient"), Map.entry("binary:ge", "bool result: no gradient"),
      Map.entry("binary:eq", "bool result: no gradient"), Map.entry("binary:ne", "bool result: no gradient"),
      Map.entry("binary:and", "bool result: no gradient"), Map.entry("binary:or", "bool result: no gradient"));

  /** Ops that need no PyTorch golden, and why. */
  private static final Map<String, String> NO_GOLDEN = Map.ofEntries(
      Map.entry("Input", "a feed"),
      Map.entry("Parameter", "a feed"),
      Map.entry("RandomUniform", "PyTorch's random stream cannot be reproduced; tested for distribution instead"),
      Map.entry("RandomNormal", "PyTorch's random stream cannot be reproduced; tested for distribution instead"),
      Map.entry("RandomPermutation", "PyTorch's random stream cannot be reproduced; RandomDrawsTest checks it is a uniform permutation"),
      Map.entry("Categorical", "PyTorch's random stream cannot be reproduced; RandomDrawsTest checks the softmax frequencies"),
      Map.entry("Arange", "torch.arange is its definition; tested in CreationKernels tests"),
      Map.entry("ScatterAdd", "reached through gather's gradient in the golden graphs"),
      Map.entry("PadTranspose", "reached through pad's gradient in the golden graphs"));

  @Test
  void everyOpHasFiniteDifferencesAndAGoldenCase() {
    TreeSet<String> all = allOpKinds();
    TreeSet<String> finiteDifferences = new TreeSet<>();
    GradientCheckTest.cases().forEach(args -> finiteDifferences.addAll(opKinds(forwardGraph((GradientCheckTest.Case) args.get()[0]))));
    TreeSet<String> golden = new TreeSet<>();
    for (Map.Entry<String, Function<GoldenFile.Case, Graph>> file : goldenFiles().entrySet()) {
      for (GoldenFile.Case c : GoldenFile.load(file.getKey())) {
        golden.addAll(opKinds(file.getValue().apply(c)));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String kind : all) {
      if (!finiteDifferences.contains(kind) && !NO_FINITE_DIFFERENCES.containsKey(kind)) {
        missing.add(kind + ": no finite-difference case (add one to GradientCheckTest)");
      }
      if (!golden.contains(kind) && !NO_GOLDEN.containsKey(kind)) {
        missing.add(kind + ": no PyTorch golden case (add one to tools/golden/generate.py)");
      }
    }
    for (String listed : union(NO_FINITE_DIFFERENCES.keySet(), NO_GOLDEN.keySet())) {
      if (!all.contains(listed)) {
        missing.add(listed + ": listed as an exception but no such op exists");
      }
    }
    assertEquals(List.of(), missing, "ops without conformance evidence");
  }

  /** Each golden file with the test that builds, checks and returns its graphs. */
  private static Map<String, Function<GoldenFile.Case, Graph>> goldenFiles() {
    Map<String, Function<GoldenFile.Case, Graph>> files = new TreeMap<>();
    files.put("unary.txt", UnaryOpsGoldenTest::run);
    files.put("binary.txt", BinaryOpsGoldenTest::run);
    files.put("reduce.txt", ReductionsGoldenTest::run);
    files.put("matmul.txt", MatMulGoldenTest::run);
    files.put("movement.txt", MovementGoldenTest::run);
    files.put("indexing.txt", IndexingGoldenTest::run);
    files.put("stdlib.txt", StdlibGoldenTest::checkThroughChecker);
    files.put("conv.txt", SpatialGoldenTest::run);
    files.put("recurrent.txt", RecurrentGoldenTest::run);
    return files;
  }

  private static Graph forwardGraph(GradientCheckTest.Case c) {
    GraphBuilder b = new GraphBuilder();
    List<Value> inputs = new ArrayList<>();
    for (int i = 0; i < c.shapes().size(); i++) {
      inputs.add(b.input("x" + i, TensorType.f32(Shape.of(Arrays.stream(c.shapes().get(i)).asLongStream().toArray()))));
    }
    b.output("y", c.f().apply(inputs).apply(b));
    return b.build();
  }

  /** The kinds of op that compute a graph's outputs (dead nodes are never run, so they do not count). */
  private static TreeSet<String> opKinds(Graph g) {
    boolean[] live = new boolean[g.nodes().size()];
    g.outputs().values().forEach(id -> live[id] = true);
    TreeSet<String> kinds = new TreeSet<>();
    for (int id = live.length - 1; id >= 0; id--) {
      if (live[id]) {
        Node n = g.node(id);
        kinds.add(kind(n.op()));
        n.inputs().forEach(i -> live[i] = true);
      }
    }
    return kinds;
  }

  private static String kind(Op op) {
    if (op instanceof Op.Unary u) {
      return "unary:" + u.fn().text();
    }
    if (op instanceof Op.Binary b) {
      return "binary:" + b.fn().text();
    }
    if (op instanceof Op.Reduce r) {
      return "reduce:" + r.fn().text();
    }
    if (op instanceof Op.Window w) {
      return "window:" + w.fn().text();
    }
    return op.getClass().getSimpleName();
  }

  /** Every op record and every function of the function-bearing ones, from the sealed hierarchy. */
  private static TreeSet<String> allOpKinds() {
    TreeSet<String> kinds = new TreeSet<>();
    for (Class<?> category : Op.class.getPermittedSubclasses()) {
      for (Class<?> op : category.getPermittedSubclasses()) {
        switch (op.getSimpleName()) {
          case "Unary" -> Arrays.stream(UnaryFn.values()).forEach(f -> kinds.add("unary:" + f.text()));
          case "Binary" -> Arrays.stream(BinaryFn.values()).forEach(f -> kinds.add("binary:" + f.text()));
          case "Reduce" -> Arrays.stream(ReduceFn.values()).forEach(f -> kinds.add("reduce:" + f.text()));
          case "Window" -> Arrays.stream(WindowFn.values()).forEach(f -> kinds.add("window:" + f.text()));
          default -> kinds.add(op.getSimpleName());
        }
      }
    }
    return kinds;
  }

  private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    TreeSet<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}
