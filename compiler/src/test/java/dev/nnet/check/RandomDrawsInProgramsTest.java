package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphParser;
import dev.nnet.ir.GraphPrinter;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.opt.Pipeline;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random draws in checked programs: salts from the tracer, dropout inside a scan (a new mask each
 * step, the same masks on a re-run and in the gradient's recomputation of the step), and the
 * {@code randperm} and {@code categorical} built-ins.
 */
class RandomDrawsInProgramsTest {
  private static final int N = 5;
  private static final int T = 4;
  private static final int F = 8;

  @TempDir
  Path dir;

  @Test
  void dropoutInsideAScanDrawsAMaskPerStepAndTheGradientSeesTheSameMasks() throws Exception {
    TrainingPlan p = plan("""
        model Seq() {
          param w: [8] = ones
          fn step(h, x) {
            let d = dropout(x * w, 0.5)
            return (h + d, d)
          }
          forward(x: [N, T, 8]) {
            let (h, out) = scan(step, fill([x.shape[0], 8], 0.0), x, axis = 1)
            return out
          }
        }
        data d = csv("d.csv") {
          x: [4, 8] = reshape(row[0..32], [4, 8])
        }
        train Seq() on d {
          loss = mean(model(x))
          optimizer = sgd(lr = 1.0)
        }
        """);
    Graph step = p.step();
    Node stackedYs = step.nodes().stream()
        .filter(n -> n.op() instanceof Op.ScanResult r && r.index() == 1 && n.type().rank() == 3).findFirst().orElseThrow();
    Map<String, Integer> outputs = new LinkedHashMap<>(step.outputs());
    outputs.put("masks", stackedYs.id());
    Executor exec = new Executor(new Graph(step.nodes(), outputs));
    Map<String, Tensor> out = exec.run(feeds(), 11);
    float[] masks = out.get("masks").floats().clone(); // [T, N, 8]: 0 or 2 x (scaled by 1 / (1 - p))
    String update = step.outputs().keySet().stream().filter(k -> !k.equals("loss")).findFirst().orElseThrow();
    float[] newW = out.get(update).floats().clone();

    Set<String> perStep = new HashSet<>();
    for (int t = 0; t < T; t++) {
      perStep.add(Arrays.toString(Arrays.copyOfRange(masks, t * N * F, (t + 1) * N * F)));
    }
    assertEquals(T, perStep.size(), "each step draws its own mask");
    for (int i = 0; i < masks.length; i++) {
      float x = i / (N * F) + 1;
      assertTrue(masks[i] == 0f || masks[i] == 2 * x, "inverted dropout values: " + masks[i]);
    }
    assertArrayEquals(masks, exec.run(feeds(), 11).get("masks").floats(), "the same key gives the same masks");
    assertFalse(Arrays.equals(masks, exec.run(feeds(), 12).get("masks").floats()), "another key, other masks");

    // loss = mean over (t, n, j) of d = keep * 2 x w, with w = 1 and x = t + 1 at step t, so
    // d loss / d w_j = sum over (t, n) of d[t, n, j] / (T N F): only if the gradient's reverse scan
    // recomputes each step's own mask (x differs per step, so masks swapped between steps show).
    for (int j = 0; j < F; j++) {
      double grad = 0;
      for (int i = j; i < masks.length; i += F) {
        grad += masks[i] / (double) (T * N * F);
      }
      assertEquals(1 - grad, newW[j], 1e-6, "w[" + j + "] after one sgd step with lr 1");
    }
  }

  @Test
  void saltsSurviveOptimizationAndTheIrText() throws Exception {
    TrainingPlan p = plan("""
        model Two() {
          forward(x: [N, 8]) = dropout(x, 0.5) + dropout(x, 0.25)
        }
        data d = csv("d.csv") {
          x: [8] = row[0..8]
        }
        train Two() on d {
          loss = mean(model(x))
          optimizer = sgd(lr = 1.0)
        }
        """);
    List<Long> salts = p.step().nodes().stream().filter(n -> n.op() instanceof Op.Random)
        .map(n -> ((Op.Random) n.op()).salt()).toList();
    assertEquals(2, salts.size());
    assertNotEquals(salts.get(0), salts.get(1));
    Graph reparsed = GraphParser.parse(GraphPrinter.print(p.step()));
    Graph reoptimized = Pipeline.optimize(reparsed);
    Map<String, Tensor> feeds = Map.of("x", Tensor.full(1f, 3, 8), "lr", Tensor.scalar(1f),
        "epoch", Tensor.ofLongs(new long[] {0}), "step", Tensor.ofLongs(new long[] {0}));
    double expected = new Executor(p.step()).run(feeds, 4).get("loss").item();
    assertEquals(expected, new Executor(reoptimized).run(feeds, 4).get("loss").item());
  }

  @Test
  void randpermAndCategoricalCheckAndDraw() throws Exception {
    Compiler.Result r = Compiler.check(new SourceFile("s.nnet", """
        model Sample() {
          forward(logits: [N, 6]) = stack([randperm(N), categorical(logits), categorical(logits)])
        }
        """));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    Graph g = r.models().get(0).traced();
    assertTrue(g.nodes().stream().anyMatch(n -> n.op() instanceof Op.RandomPermutation));
    Tensor logits = Tensor.zeros(DType.F32, 50, 6);
    Tensor out = new Executor(g).run(Map.of("logits", logits), 3).get("forward");
    assertArrayEquals(new int[] {3, 50}, out.shape());
    long[] v = out.longs();
    long[] sorted = Arrays.copyOfRange(v, 0, 50);
    Arrays.sort(sorted);
    for (int i = 0; i < 50; i++) {
      assertEquals(i, sorted[i], "randperm(N) is a permutation of 0 .. N-1");
    }
    assertFalse(Arrays.equals(Arrays.copyOfRange(v, 50, 100), Arrays.copyOfRange(v, 100, 150)), "two draws, two salts");
    for (int i = 50; i < 150; i++) {
      assertTrue(v[i] >= 0 && v[i] < 6);
    }
  }

  @Test
  void categoricalNeedsF32LogitsWithAClassAxis() {
    Compiler.Result r = Compiler.check(new SourceFile("s.nnet", """
        model Bad() {
          forward(x: [N]) = categorical(sum(x))
        }
        """));
    assertTrue(r.hasErrors());
    assertTrue(r.diagnostics().get(0).message().contains("categorical"), r.diagnostics().toString());
  }

  private TrainingPlan plan(String source) throws Exception {
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < T * F; i++) {
      row.append(i == 0 ? "" : ",").append("1");
    }
    Files.writeString(dir.resolve("d.csv"), row + "\n" + row + "\n");
    Path file = dir.resolve("m.nnet");
    Files.writeString(file, source);
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    return r.plans().get(0);
  }

  /** x[n, t, j] = t + 1, w = 1. */
  private static Map<String, Tensor> feeds() {
    float[] x = new float[N * T * F];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i / F) % T + 1;
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    feeds.put("x", Tensor.of(x, N, T, F));
    feeds.put("w", Tensor.full(1f, F));
    feeds.put("lr", Tensor.scalar(1f));
    feeds.put("epoch", Tensor.ofLongs(new long[] {0}));
    feeds.put("step", Tensor.ofLongs(new long[] {0}));
    return feeds;
  }
}
