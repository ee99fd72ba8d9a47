package dev.nnet.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.ir.Graph;
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
