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
