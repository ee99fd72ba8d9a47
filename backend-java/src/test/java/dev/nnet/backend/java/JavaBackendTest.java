package dev.nnet.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.backend.CompiledGraph;
import dev.nnet.runtime.exec.ExecutionError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The backend as the rest of nnet sees it: registered by name, errors located, safe across threads. */
class JavaBackendTest {
  private static final String LOOKUP = """
      model Lookup() {
        param table: [4, 3] = normal(0.0, 1.0)
        forward(idx: i64[N]) -> [N, 3] = gather(table, idx) * 2.0
      }
      """;

  private static Graph lookup() {
    Compiler.Result r = Compiler.check(new SourceFile("lookup.nnet", LOOKUP));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    return r.models().get(0).traced();
  }

  private static final String BROADCASTS = """
      model Broadcasts() {
        forward(x: [N, 3, 4], r: [3, 4], col: [N, 3, 1], lead: [N, 1, 1], mid: [3, 1]) -> [N, 3, 4] =
          relu(x * r + col) * lead - mid + exp(x)
      }
      """;

  private static Tensor random(java.util.SplittableRandom rng, int... shape) {
    float[] data = new float[(int) Tensor.numel(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rng.nextDouble(-2, 2);
    }
    return Tensor.of(data, shape);
  }

  /**
   * Every way a fused loop reads a broadcast operand (a trailing run, a leading run, a run in the
   * middle, a scalar per row) agrees with the reference bit for bit, over batch sizes that change
   * between runs (the workspace's slots are resized); an output stays as it was after later runs
   * (outputs live outside the memory plan).
   */
  @Test
  void broadcastsInFusedLoopsAgreeWithTheReferenceAcrossBatchSizesAndOutputsSurviveLaterRuns() {
    Compiler.Result r = Compiler.check(new SourceFile("broadcasts.nnet", BROADCASTS));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    Graph g = r.models().get(0).traced();
    CompiledGraph java = new JavaBackend().compile(g, Signature.ofFunction(g));
    CompiledGraph reference = Backends.reference().compile(g, Signature.ofFunction(g));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    List<float[]> kept = new ArrayList<>();
    List<Tensor> outputs = new ArrayList<>();
    for (int n : new int[] {2, 5, 2, 1}) {
      Map<String, Tensor> feeds = Map.of("x", random(rng, n, 3, 4), "r", random(rng, 3, 4), "col", random(rng, n, 3, 1),
          "lead", random(rng, n, 1, 1), "mid", random(rng, 3, 1));
      Tensor expected = reference.run(feeds, 0).values().iterator().next();
      Tensor actual = java.run(feeds, 0).values().iterator().next();
      assertArrayEquals(expected.shape(), actual.shape());
      assertArrayEquals(expected.floats(), actual.floats(), "batch " + n);
      kept.add(actual.floats().clone());
      outputs.add(actual);
    }
    for (int i = 0; i < outputs.size(); i++) {
      assertArrayEquals(kept.get(i), outputs.get(i).floats(), "output of run " + i + " was overwritten");
    }
  }

  /**
   * The generated run shows its plan (a comment per slot), computes planned values into slots and,
   * with the slot checks this module's tests switch on, checks each; an i64 value (argmax) and the
   * output are not in the plan.
   */
  @Test
  void generatedCodeRunsOnTheMemoryPlan() {
    Compiler.Result r = Compiler.check(new SourceFile("mix.nnet", """
        model Mix() {
          forward(x: [N, 4]) -> [N] = cast(argmax(exp(x) @ transpose(x, 0, 1) * 2.0, axis = 1), f32) + 1.0
        }
        """));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    Graph g = r.models().get(0).traced();
    assertTrue(Boolean.getBoolean("nnet.java.checkSlots"), "this module's surefire switches the slot checks on");
    String code = new GraphClassWriter(g).write("dev.nnet.test", "Mix", "A test.\n").toString();
    assertTrue(code.contains("// slot 0: f32["), code);
    assertTrue(code.contains("float[][] slots = ws.slots(dimN * 4, 4 * dimN, dimN * dimN, dimN * dimN)"), code);
    assertTrue(code.contains("ws.into(slots["), code);
    assertTrue(code.contains("Workspace.requireInSlot("), code);
    assertFalse(code.contains(" i64["), "i64 values have no slot:\n" + code);
    Map<String, Tensor> feeds = Map.of("x", Tensor.of(new float[] {1, -2, 3, 0.5f, -1, 2, 0, 1}, 2, 4));
    assertArrayEquals(Backends.reference().compile(g, Signature.ofFunction(g)).run(feeds, 0).get("forward").floats(),
        new JavaBackend().compile(g, Signature.ofFunction(g)).run(feeds, 0).get("forward").floats());
  }

  @Test
  void isRegisteredAsJava() {
    Backend java = Backends.named("java").orElseThrow();
    assertTrue(java instanceof JavaBackend);
    assertEquals(List.of("reference", "java"), Backends.names());
  }

  @Test
  void aKernelErrorNamesTheSourceLineAsTheReferenceDoes() {
    Graph g = lookup();
    Map<String, Tensor> feeds = Map.of("table", Tensor.of(new float[12], 4, 3), "idx", Tensor.ofLongs(new long[] {1, 7}, 2));
    ExecutionError java = assertThrows(ExecutionError.class,
        () -> new JavaBackend().compile(g, Signature.ofFunction(g)).run(feeds, 0));
    ExecutionError reference = assertThrows(ExecutionError.class,
        () -> Backends.reference().compile(g, Signature.ofFunction(g)).run(feeds, 0));
    assertEquals(reference.span(), java.span());
    assertTrue(java.getMessage().startsWith("lookup.nnet:3:"), java.getMessage());
    assertTrue(java.getMessage().contains("index 7"), java.getMessage());
  }

  @Test
  void aWrongFeedIsReportedWithTheReferenceMessage() {
    Graph g = lookup();
    Map<String, Tensor> feeds = Map.of("table", Tensor.of(new float[15], 5, 3), "idx", Tensor.ofLongs(new long[] {1}, 1));
    ExecutionError java = assertThrows(ExecutionError.class,
        () -> new JavaBackend().compile(g, Signature.ofFunction(g)).run(feeds, 0));
    ExecutionError reference = assertThrows(ExecutionError.class,
        () -> Backends.reference().compile(g, Signature.ofFunction(g)).run(feeds, 0));
    assertEquals(reference.getMessage(), java.getMessage());
  }

  /**
   * {@code a = 2h}; a scan of {@code steps} steps whose body passes its carry through, from {@code a};
   * then {@code b = 3h}, the same size, after the scan was {@code a}'s last reader.
   */
  private static Graph passThroughScan(long steps) throws Exception {
    GraphBuilder body = new GraphBuilder();
    TensorType t = TensorType.f32(Shape.of(4));
    body.output("carry0", body.input("carry0", t));
    GraphBuilder g = new GraphBuilder();
    GraphBuilder.Value h = g.input("h", t);
    GraphBuilder.Value a = g.add(new Op.Binary(dev.nnet.ir.BinaryFn.MUL), SourceSpan.NONE, h, g.scalar(2));
    Op.Scan scan = new Op.Scan(body.build(), 1, 0, 0, Dim.of(steps), false);
    GraphBuilder.Value loop = g.add(scan, SourceSpan.NONE, a);
    g.output("last", g.add(new Op.ScanResult(0, scan.resultType(0)), SourceSpan.NONE, loop));
    g.output("b", g.add(new Op.Binary(dev.nnet.ir.BinaryFn.MUL), SourceSpan.NONE, h, g.scalar(3)));
    return g.build();
  }

  @Test
  void aScanCarryLeftAsItCameInIsNotOverwrittenByALaterValue() throws Exception {
    Map<String, Tensor> feeds = Map.of("h", Tensor.of(new float[] {1, 2, 3, 4}, 4));
    for (long steps : new long[] {0, 3}) {
      Graph g = passThroughScan(steps);
      CompiledGraph compiled = new JavaBackend().compile(g, Signature.ofFunction(g));
      for (int run = 0; run < 2; run++) { // the second run reuses the first run's arrays
        Map<String, Tensor> out = compiled.run(feeds, 0);
        assertArrayEquals(new float[] {2, 4, 6, 8}, out.get("last").floats(), steps + " steps, run " + run);
        assertArrayEquals(new float[] {3, 6, 9, 12}, out.get("b").floats());
      }
    }
  }

  /**
   * Sums row pairs: {@code x: [2*N, 3] -> [N, 3]}. The checker binds a symbol
   * only where it stands alone, but a graph's feeds may be solved for one, as the executor does.
   */
  private static Graph pairs() {
    GraphBuilder b = new GraphBuilder();
    Dim n = Dim.symbol("N");
    GraphBuilder.Value x = b.input("x", TensorType.f32(Shape.of(Dim.of(2).times(n), Dim.of(3))));
    try {
      GraphBuilder.Value grouped = b.add(new Op.Reshape(Shape.of(n, Dim.of(2), Dim.of(3))), SourceSpan.NONE, x);
      b.output("forward", b.add(new Op.Reduce(ReduceFn.SUM, List.of(1), false), SourceSpan.NONE, grouped));
    } catch (dev.nnet.ir.ShapeError e) {
      throw new AssertionError(e);
    }
    return b.build();
  }

  @Test
  void aDimSuchAs2NIsSolvedForItsSymbolAsTheReferenceDoes() {
    Graph g = pairs();
    float[] data = new float[6 * 3];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    Map<String, Tensor> feeds = Map.of("x", Tensor.of(data, 6, 3));
    Tensor java = new JavaBackend().compile(g, Signature.ofFunction(g)).run(feeds, 0).values().iterator().next();
    Tensor reference = Backends.reference().compile(g, Signature.ofFunction(g)).run(feeds, 0).values().iterator().next();
    assertArrayEquals(new int[] {3, 3}, java.shape());
    assertArrayEquals(reference.floats(), java.floats());

    // An odd row count has no N with 2*N rows: the reference's message.
    Map<String, Tensor> odd = Map.of("x", Tensor.of(new float[7 * 3], 7, 3));
    ExecutionError javaError = assertThrows(ExecutionError.class,
        () -> new JavaBackend().compile(g, Signature.ofFunction(g)).run(odd, 0));
    ExecutionError referenceError = assertThrows(ExecutionError.class,
        () -> Backends.reference().compile(g, Signature.ofFunction(g)).run(odd, 0));
    assertEquals(referenceError.getMessage(), javaError.getMessage());
    assertTrue(javaError.getMessage().contains("cannot find [N] from dim 0 = 7"), javaError.getMessage());
  }

  @Test
  void theSameGraphIsCompiledOnce() {
    Graph g = lookup();
    JavaBackend backend = new JavaBackend();
    CompiledGraph a = backend.compile(g, Signature.ofFunction(g));
    CompiledGraph b = backend.compile(lookup(), Signature.ofFunction(g));
    assertSame(a.getClass(), b.getClass());
  }

  @Test
  void runsOnSeveralThreadsAtOnce() throws Exception {
    Graph g = lookup();
    CompiledGraph compiled = new JavaBackend().compile(g, Signature.ofFunction(g));
    float[] table = new float[12];
    for (int i = 0; i < table.length; i++) {
      table[i] = i;
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long row = t % 4;
        results.add(pool.submit(() -> {
          float[] last = null;
          for (int k = 0; k < 200; k++) {
            last = compiled.run(Map.of("table", Tensor.of(table.clone(), 4, 3),
                "idx", Tensor.ofLongs(new long[] {row, row}, 2)), 0).get("forward").floats();
          }
          return last;
        }));
      }
      for (int t = 0; t < 4; t++) {
        float r = t % 4 * 3;
        assertArrayEquals(new float[] {2 * r, 2 * r + 2, 2 * r + 4, 2 * r, 2 * r + 2, 2 * r + 4}, results.get(t).get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
