package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.ConstantData;
import dev.nnet.ir.ConvGeometry;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.PadMode;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.ir.WindowFn;
import dev.nnet.ir.WindowGeometry;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batching must compute, in one run, exactly what the per-sample graph computes row by row: every
 * test runs both and compares each row of each output bit for bit.
 */
class BatchingTest {
  private static final Dim R = Dim.symbol("R");
  private static final int ROWS = 7;
  private static final TensorType SCALAR = TensorType.f32(Shape.scalar());

  private static TensorType f32(long... shape) {
    return TensorType.f32(Shape.of(shape));
  }

  private static TensorType i64(long... shape) {
    return new TensorType(DType.I64, Shape.of(shape));
  }

  @Test
  void elementwiseOpsBroadcastSharedValuesAndLineUpTheRowsOfLowerRankOperands() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", f32(4));
    int s = g.input("s", SCALAR);
    int w = g.floats(new float[] {1, -2, 3.5f, 0.25f}, 4);
    int grid = g.floats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
    // s is one number per sample, x four: batched, s must broadcast over x's axis, not over the rows.
    g.output("sPlusX", g.add(new Op.Binary(BinaryFn.ADD), s, x));
    g.output("xTimesW", g.add(new Op.Binary(BinaryFn.MUL), x, w));
    g.output("sTimesGrid", g.add(new Op.Binary(BinaryFn.MUL), grid, s));
    int positive = g.add(new Op.Binary(BinaryFn.GT), x, g.fill(0, SCALAR));
    g.output("relu", g.add(new Op.Where(), positive, x, s));
    g.output("truncated", g.add(new Op.Cast(DType.I64), g.add(new Op.Binary(BinaryFn.MUL), x, g.fill(3, SCALAR))));
    g.output("exp", g.add(new Op.Unary(UnaryFn.EXP), g.add(new Op.Unary(UnaryFn.NEG), x)));
    g.output("detached", g.add(new Op.StopGradient(), s));
    BatchedGraph b = assertBatchesExactly(g.build());
    assertEquals(f32(4).withShape(Shape.of(R, Dim.of(4))), input(b.graph(), "x").type());
    assertEquals(TensorType.f32(Shape.of(R)), input(b.graph(), "s").type());
  }

  @Test
  void movementOpsShiftTheirAxesPastTheRows() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", f32(2, 3, 4));
    int v = g.input("v", f32(3));
    g.output("reshaped", g.add(new Op.Reshape(Shape.of(6, 4)), x));
    g.output("permuted", g.add(new Op.Permute(List.of(2, 0, 1)), x));
    g.output("expanded", g.add(new Op.Expand(Shape.of(2, 3, 5)), g.add(new Op.Reshape(Shape.of(3, 1)), v)));
    g.output("sliced", g.add(new Op.Slice(2, 1, 4, 2), x));
    g.output("joined", g.add(new Op.Concat(1), x, g.fill(0.5, f32(2, 2, 4))));
    g.output("padded", g.add(new Op.Pad(PadMode.CONSTANT, List.of(1, 0, 2), List.of(0, 1, 1), 0.5), x));
    g.output("reflected", g.add(new Op.Pad(PadMode.REFLECT, List.of(0, 1, 2), List.of(1, 0, 1), 0), x));
    g.output("cropped", g.add(new Op.PadTranspose(PadMode.CONSTANT, List.of(1, 0, 1), List.of(0, 1, 1)), x));
    g.output("flipped", g.add(new Op.Flip(List.of(0, 2)), x));
    assertBatchesExactly(g.build());
  }

  @Test
  void reductionsAndWindowsReduceThePerSampleAxes() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", f32(2, 3, 4));
    g.output("sum", g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), false), x));
    g.output("mean", g.add(new Op.Reduce(ReduceFn.MEAN, List.of(0, 2), true), x));
    g.output("max", g.add(new Op.Reduce(ReduceFn.MAX, List.of(0, 1, 2), false), x));
    g.output("argmax", g.add(new Op.ArgMax(1), x));
    WindowGeometry pool = new WindowGeometry(List.of(2, 2), List.of(1, 2), List.of(1, 1));
    int pooled = g.add(new Op.Window(WindowFn.MAX, pool), x);
    g.output("pooled", pooled);
    g.output("routed", g.add(new Op.WindowMaxGrad(pool), x, g.fill(1, g.build().node(pooled).type())));
    int summed = g.add(new Op.Window(WindowFn.SUM, pool), x);
    g.output("spread", g.add(new Op.WindowSumTranspose(pool, List.of(Dim.of(3), Dim.of(4))), summed));
    assertBatchesExactly(g.build());
  }

  @Test
  void matrixProductsBroadcastTheRowsAsALeadingDim() {
    PlainGraph g = new PlainGraph();
    int a = g.input("a", f32(2, 3));
    int batch = g.input("batch", f32(5, 2, 3));
    int w = g.floats(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4);
    int stacked = g.add(new Op.Expand(Shape.of(2, 3, 4)), w);
    int left = g.floats(new float[] {1, 0, -1, 2, 0.5f, 3}, 3, 2);
    g.output("aw", g.add(new Op.MatMul(), a, w));
    g.output("aStacked", g.add(new Op.MatMul(), a, stacked)); // the per-row operand has the lower rank
    g.output("leftA", g.add(new Op.MatMul(), left, a)); // the shared operand is on the left
    g.output("batchW", g.add(new Op.MatMul(), batch, w));
    g.output("aa", g.add(new Op.MatMul(), a, g.add(new Op.Permute(List.of(1, 0)), a)));
    assertBatchesExactly(g.build());
  }

  @Test
  void indexingPicksFromASharedTablePerRow() {
    PlainGraph g = new PlainGraph();
    int label = g.input("label", i64());
    int ids = g.input("ids", i64(3));
    int table = g.floats(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 2);
    g.output("label", label); // a field that is its source variable, as `label: i64 = label`
    g.output("oneHot", g.add(new Op.OneHot(6), label));
    g.output("embedded", g.add(new Op.Gather(), table, ids));
    g.output("arange", g.add(new Op.Binary(BinaryFn.ADD), g.add(new Op.Arange(0, 1, Dim.of(3), DType.I64)), ids));
    assertBatchesExactly(g.build());
  }

  @Test
  void aValueNoBatchedInputReachesIsComputedOnceAndEveryRowGetsIt() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", f32(2));
    int shared = g.add(new Op.Unary(UnaryFn.EXP), g.fill(1, f32(2)));
    g.output("constant", shared);
    g.output("x", g.add(new Op.Binary(BinaryFn.ADD), x, shared));
    BatchedGraph b = assertBatchesExactly(g.build());
    Node exp = b.graph().nodes().stream().filter(n -> n.op() instanceof Op.Unary).findFirst().orElseThrow();
    assertEquals(f32(2), exp.type(), "exp runs once, on the shared value");
    assertEquals(TensorType.f32(Shape.of(R, Dim.of(2))), b.graph().output("constant").type());
  }

  @Test
  void anOutputThatNeedsAnUnbatchableOpIsReportedAndTheOthersAreStillBatched() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", f32(1, 1, 4));
    int noise = g.add(new Op.RandomNormal(f32(1, 1, 4), 1));
    g.output("noisy", g.add(new Op.Binary(BinaryFn.ADD), x, noise));
    g.output("clean", g.add(new Op.Binary(BinaryFn.MUL), x, x));
    int table = g.add(new Op.Reshape(Shape.of(2, 2)), x);
    g.output("ownTable", g.add(new Op.Gather(), table, g.add(new Op.Constant(ConstantData.ofLongs(new long[] {1}, 1)))));
    ConvGeometry geometry = new ConvGeometry(List.of(1), List.of(0), List.of(0), List.of(1), 1);
    g.output("conv", g.add(new Op.Conv(geometry), g.add(new Op.Reshape(Shape.of(1, 1, 4)), x),
        g.fill(2, f32(1, 1, 1))));
    Graph perSample = g.build();
    BatchedGraph b = Batching.batch(perSample, Set.of("x"), R);
    assertFalse(b.isComplete());
    assertEquals(Set.of("noisy", "ownTable", "conv"), b.unbatched().keySet());
    assertTrue(b.unbatched().get("noisy").matches("`random_normal.*` at test.nnet:4:2 cannot be batched: .*"),
        b.unbatched().get("noisy"));
    assertTrue(b.unbatched().get("ownTable").contains("the table differs per sample"), b.unbatched().get("ownTable"));
    assertTrue(b.unbatched().get("conv").contains("`conv"), b.unbatched().get("conv"));
    assertEquals(Set.of("clean"), b.graph().outputs().keySet());
    assertTrue(b.graph().nodes().stream().noneMatch(n -> n.op() instanceof Op.Random), "nothing draws");
    assertRowsMatch(perSample, b, randomFeeds(perSample, Set.of("x")));
  }

  @Test
  void theRowsAxisMustBeANewSymbol() {
    PlainGraph g = new PlainGraph();
    g.output("x", g.input("x", TensorType.f32(Shape.of(R))));
    Graph perSample = g.build();
    assertThrows(IllegalArgumentException.class, () -> Batching.batch(perSample, Set.of("x"), R));
    assertEquals(Dim.symbol("R1"), Batching.freshSymbol(perSample, "R"));
    assertEquals(Dim.symbol("rows"), Batching.freshSymbol(perSample, "rows"));
  }

  @Test
  void aSymbolicPerSampleSizeStaysSymbolic() {
    // A CSV row is f32[C], C known only when the file is read.
    PlainGraph g = new PlainGraph();
    int row = g.input("row", TensorType.f32(Shape.of(Dim.symbol("C"))));
    int x = g.add(new Op.Binary(BinaryFn.DIV), g.add(new Op.Slice(0, 0, 4, 1), row), g.fill(16, SCALAR));
    int last = g.add(new Op.Reshape(Shape.scalar()), g.add(new Op.Slice(0, 4, 5, 1), row));
    g.output("x", x);
    g.output("y", g.add(new Op.Cast(DType.I64), last));
    Graph perSample = g.build();
    BatchedGraph b = Batching.batch(perSample, Set.of("row"), R);
    assertEquals(TensorType.f32(Shape.of(R, Dim.symbol("C"))), input(b.graph(), "row").type());
    Map<String, Tensor> feeds = Map.of("row", randomTensor(TensorType.f32(Shape.of(ROWS, 6)), new SplittableRandom(3)));
    assertRowsMatch(perSample, b, feeds);
  }

  // ---- helpers

  private static Node input(Graph g, String name) {
    return g.inputs().stream().filter(n -> ((Op.Input) n.op()).name().equals(name)).findFirst().orElseThrow();
  }

  /** Batches every input of {@code perSample}, checks that all outputs batched and agree row by row. */
  private static BatchedGraph assertBatchesExactly(Graph perSample) {
    Set<String> inputs = new java.util.HashSet<>();
    perSample.inputs().forEach(n -> inputs.add(((Op.Input) n.op()).name()));
    BatchedGraph b = Batching.batch(perSample, inputs, R);
    assertTrue(b.isComplete(), b.unbatched().toString());
    assertEquals(perSample.outputs().keySet(), b.graph().outputs().keySet());
    assertRowsMatch(perSample, b, randomFeeds(perSample, inputs));
    return b;
  }

  /** ROWS random rows for every batched input (i64 ones small enough to index with). */
  private static Map<String, Tensor> randomFeeds(Graph perSample, Set<String> batched) {
    SplittableRandom random = new SplittableRandom(42);
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (Node n : perSample.inputs()) {
      Op.Input in = (Op.Input) n.op();
      if (batched.contains(in.name())) {
        long[] shape = new long[in.type().rank() + 1];
        shape[0] = ROWS;
        for (int i = 0; i < in.type().rank(); i++) {
          shape[i + 1] = in.type().shape().dim(i).constant();
        }
        feeds.put(in.name(), randomTensor(new TensorType(in.type().dtype(), Shape.of(shape)), random));
      }
    }
    return feeds;
  }

  private static Tensor randomTensor(TensorType type, SplittableRandom random) {
    int[] shape = type.shape().sizes();
    int n = (int) Tensor.numel(shape);
    if (type.dtype() == DType.I64) {
      return Tensor.ofLongs(random.longs(n, 0, 3).toArray(), shape);
    }
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) (random.nextInt(-16, 17) / 4.0 + random.nextDouble() * 0.1); // some near-ties, some signs
    }
    return Tensor.of(data, shape);
  }

  /** Row {@code r} of every batched output is, bit for bit, what the per-sample graph gives for row {@code r}. */
  private static void assertRowsMatch(Graph perSample, BatchedGraph b, Map<String, Tensor> feeds) {
    Map<String, Tensor> batched = new Executor(b.graph()).run(feeds, 1);
    Executor single = new Executor(perSample);
    for (int r = 0; r < ROWS; r++) {
      Map<String, Tensor> rowFeeds = new LinkedHashMap<>();
      for (var f : feeds.entrySet()) {
        rowFeeds.put(f.getKey(), row(f.getValue(), r));
      }
      Map<String, Tensor> expected = single.run(rowFeeds, 1);
      for (String name : b.graph().outputs().keySet()) {
        Tensor want = expected.get(name);
        Tensor have = batched.get(name);
        assertEquals(ROWS, have.dim(0), name);
        Tensor got = row(have, r);
        assertArrayEquals(want.shape(), got.shape(), name);
        assertEquals(want.dtype(), got.dtype(), name);
        if (want.dtype() == DType.I64) {
          assertArrayEquals(want.longs(), got.longs(), name + " row " + r);
        } else {
          assertArrayEquals(bits(want.floats()), bits(got.floats()), name + " row " + r + ": "
              + Arrays.toString(want.floats()) + " vs " + Arrays.toString(got.floats()));
        }
      }
    }
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToIntBits(v[i]);
    }
    return out;
  }

  private static Tensor row(Tensor t, int r) {
    int[] sample = Arrays.copyOfRange(t.shape(), 1, t.rank());
    int n = (int) Tensor.numel(sample);
    if (t.dtype() == DType.I64) {
      return Tensor.ofLongs(Arrays.copyOfRange(t.longs(), r * n, (r + 1) * n), sample);
    }
    float[] d = Arrays.copyOfRange(t.floats(), r * n, (r + 1) * n);
    return t.dtype() == DType.BOOL ? Tensor.ofBool(d, sample) : Tensor.of(d, sample);
  }
}
