package dev.nnet.runtime.exec;

import dev.nnet.runtime.interpreter.Executor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.CounterRandom;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Counter-based random draws in the executor: a node's values are a function of the run key, its
 * salt and the element index alone, so order, other random nodes, threads and scan steps never
 * change them.
 */
class RandomDrawsTest {
  private static final TensorType F32_1000 = TensorType.f32(Shape.of(1000));

  @Test
  void theSameKeyGivesTheSameDrawsAndAnotherKeyOthers() throws Exception {
    GraphBuilder g = new GraphBuilder();
    g.output("u", g.add(new Op.RandomUniform(F32_1000, 3), null));
    g.output("n", g.add(new Op.RandomNormal(F32_1000, 4), null));
    Executor exec = new Executor(g.build());
    Map<String, Tensor> a = exec.run(Map.of(), 99);
    float[] u = a.get("u").floats().clone();
    float[] n = a.get("n").floats().clone();
    Map<String, Tensor> again = exec.run(Map.of(), 99);
    assertArrayEquals(u, again.get("u").floats());
    assertArrayEquals(n, again.get("n").floats());
    assertFalse(Arrays.equals(u, exec.run(Map.of(), 100).get("u").floats()));
    for (int i = 0; i < u.length; i++) {
      assertEquals(CounterRandom.uniform(99, 3, i), u[i]);
      assertEquals(CounterRandom.normal(99, 4, i), n[i]);
    }
  }

  @Test
  void twoRandomNodesDrawIndependentValues() throws Exception {
    GraphBuilder g = new GraphBuilder();
    TensorType big = TensorType.f32(Shape.of(100_000));
    g.output("a", g.add(new Op.RandomUniform(big, g.nextSalt()), null));
    g.output("b", g.add(new Op.RandomUniform(big, g.nextSalt()), null));
    Map<String, Tensor> out = new Executor(g.build()).run(Map.of(), 5);
    float[] a = out.get("a").floats();
    float[] b = out.get("b").floats();
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i] / a.length;
      mb += b[i] / b.length;
    }
    double cov = 0;
    for (int i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb) / a.length;
    }
    assertEquals(0, cov * 12, 5 / Math.sqrt(a.length), "correlation of two draws of one shape");
  }

  @Test
  void removingOrReorderingAnotherRandomNodeChangesNothing() throws Exception {
    GraphBuilder both = new GraphBuilder();
    Value x = both.input("x", F32_1000);
    Value other = both.add(new Op.RandomNormal(F32_1000, 1), null);
    both.output("masked", both.add(new Op.Binary(BinaryFn.MUL), null, x, both.add(new Op.RandomUniform(F32_1000, 2), null)));
    both.output("noise", both.add(new Op.Unary(dev.nnet.ir.UnaryFn.NEG), null, other));
    GraphBuilder alone = new GraphBuilder();
    Value x2 = alone.input("x", F32_1000);
    alone.output("masked", alone.add(new Op.Binary(BinaryFn.MUL), null, x2, alone.add(new Op.RandomUniform(F32_1000, 2), null)));
    Map<String, Tensor> feeds = Map.of("x", Tensor.full(2f, 1000));
    float[] withBoth = new Executor(both.build()).run(feeds, 8).get("masked").floats().clone();
    float[] withOne = new Executor(alone.build()).run(feeds, 8).get("masked").floats();
    assertArrayEquals(withBoth, withOne);
  }

  @Test
  void aSplitKernelGivesWhatOneThreadGives() {
    int n = RandomKernels.GRAIN * 5 + 3; // several chunks, none aligned to a Philox block
    BufferPool pool = new BufferPool();
    float[] u = RandomKernels.uniform(new int[] {n}, 17, 6, pool).floats();
    float[] z = RandomKernels.normal(new int[] {n}, 17, 6, pool).floats();
    float[] oneThreadU = new float[n];
    float[] oneThreadZ = new float[n];
    CounterRandom.fillUniform(17, 6, oneThreadU, 0, n);
    CounterRandom.fillNormal(17, 6, oneThreadZ, 0, n);
    assertArrayEquals(oneThreadU, u);
    assertArrayEquals(oneThreadZ, z);
    long[] p = RandomKernels.permutation(n, 17, 6).longs();
    long[] onePass = new long[n];
    for (int i = 0; i < n; i++) {
      onePass[i] = CounterRandom.permutationKey(17, 6, i, n);
    }
    Arrays.sort(onePass);
    for (int i = 0; i < n; i++) {
      assertEquals(onePass[i] & ((1L << CounterRandom.indexBits(n)) - 1), p[i]);
    }
  }

  @Test
  void aScanBodyDrawsAnewEachStepTheSameWhenRerunAndPerPositionWhenReversed() throws Exception {
    int width = 64;
    Graph body = dropoutBody(width);
    Executor forward = new Executor(scanOf(body, width, false));
    Executor backward = new Executor(scanOf(body, width, true));
    Map<String, Tensor> feeds = Map.of("h", Tensor.full(1f, width));
    float[] masks = forward.run(feeds, 21).get("masks").floats().clone();
    assertArrayEquals(masks, forward.run(feeds, 21).get("masks").floats(), "re-run");
    assertArrayEquals(masks, backward.run(feeds, 21).get("masks").floats(), "reverse scan, same positions");
    Set<String> rows = new HashSet<>();
    Executor alone = new Executor(body);
    for (int t = 0; t < 3; t++) {
      float[] row = Arrays.copyOfRange(masks, t * width, (t + 1) * width);
      rows.add(Arrays.toString(row));
      // The body run by itself under the step's key: what another backend's unrolled loop would draw.
      Map<String, Tensor> stepFeeds = new HashMap<>(Map.of("carry0", Tensor.full(1f, width)));
      assertArrayEquals(row, alone.run(stepFeeds, CounterRandom.stepKey(21, t)).get("y0").floats(), "step " + t);
    }
    assertEquals(3, rows.size(), "every step draws another mask");
    assertNotEquals(Arrays.toString(Arrays.copyOf(masks, width)),
        Arrays.toString(Arrays.copyOf(forward.run(feeds, 22).get("masks").floats(), width)));
  }

  @Test
  void permutationsAreUniform() {
    int[] counts = new int[6];
    int runs = 6000;
    for (int k = 0; k < runs; k++) {
      long[] p = RandomKernels.permutation(3, k, 1).longs();
      assertEquals(Set.of(0L, 1L, 2L), Set.of(p[0], p[1], p[2]));
      counts[(int) (p[0] * 2 + (p[1] > p[2] ? 1 : 0))]++;
    }
    double chi2 = 0;
    for (int c : counts) {
      chi2 += (c - runs / 6.0) * (c - runs / 6.0) / (runs / 6.0);
    }
    assertTrue(chi2 < 30, "chi-squared with 5 degrees of freedom: " + chi2 + " " + Arrays.toString(counts));
    assertArrayEquals(new long[0], RandomKernels.permutation(0, 1, 1).longs());
    assertArrayEquals(new long[] {0}, RandomKernels.permutation(1, 1, 1).longs());
  }

  @Test
  void categoricalDrawsFollowTheSoftmaxOfEachRow() {
    float ninf = Float.NEGATIVE_INFINITY;
    // Two rows: probabilities softmax(0, ln 2, ln 5) = (1/8, 2/8, 5/8); and one class always.
    Tensor logits = Tensor.of(new float[] {0f, (float) Math.log(2), (float) Math.log(5), ninf, 3f, ninf}, 2, 3);
    int[] counts = new int[3];
    int runs = 8000;
    for (int k = 0; k < runs; k++) {
      Tensor drawn = RandomKernels.categorical(logits, k, 4);
      assertArrayEquals(new int[] {2}, drawn.shape());
      assertEquals(1, drawn.longs()[1], "a class whose logit is not -inf");
      counts[(int) drawn.longs()[0]]++;
    }
    double[] p = {1 / 8.0, 2 / 8.0, 5 / 8.0};
    for (int c = 0; c < 3; c++) {
      double sd = Math.sqrt(runs * p[c] * (1 - p[c]));
      assertEquals(runs * p[c], counts[c], 5 * sd, "class " + c + ": " + Arrays.toString(counts));
    }
    Tensor batched = RandomKernels.categorical(Tensor.zeros(DType.F32, 4, 5, 7), 1, 1);
    assertArrayEquals(new int[] {4, 5}, batched.shape());
    assertEquals(batched.longs()[3], RandomKernels.categorical(Tensor.zeros(DType.F32, 4, 5, 7), 1, 1).longs()[3]);
  }

  /** A scan body that yields a dropout-style 0/1 mask of {@code width} and keeps its carry. */
  private static Graph dropoutBody(int width) throws Exception {
    GraphBuilder b = new GraphBuilder();
    TensorType t = TensorType.f32(Shape.of(width));
    Value carry = b.input("carry0", t);
    Value keep = b.add(new Op.Binary(BinaryFn.GE), null, b.add(new Op.RandomUniform(t, 7), null),
        b.add(new Op.Fill(0.5, t), null));
    b.output("carry0", carry);
    b.output("y0", b.add(new Op.Cast(DType.F32), null, keep));
    return b.build();
  }

  private static Graph scanOf(Graph body, int width, boolean reverse) throws Exception {
    GraphBuilder g = new GraphBuilder();
    Value h = g.input("h", TensorType.f32(Shape.of(width)));
    Op.Scan scan = new Op.Scan(body, 1, 0, 0, Dim.of(3), reverse);
    Value loop = g.add(scan, null, h);
    g.output("masks", g.add(new Op.ScanResult(1, scan.resultType(1)), null, loop));
    return g.build();
  }
}
