package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransposeFoldingTest {
  private static final List<Integer> SWAP = List.of(1, 0);

  private static Tensor random(long seed, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextDouble(-1, 1);
    }
    return Tensor.of(v, shape);
  }

  private static List<String> ops(Graph g) {
    return g.nodes().stream().map(n -> n.op() instanceof Op.Input i ? i.name() : n.op().text()).toList();
  }

  /** {@code x @ w^T} reads w where it lies; the transpose goes. */
  @Test
  void aLinearLayerReadsItsWeightTransposed() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", TensorType.f32(Shape.of(5, 3)));
    int w = g.input("w", TensorType.f32(Shape.of(4, 3)));
    g.output("y", g.add(new Op.MatMul(), x, g.add(new Op.Permute(SWAP), w)));
    Graph before = g.build();
    Graph after = DeadCode.eliminate(TransposeFolding.fold(before));
    assertEquals(List.of("x", "w", "matmul transpose_b"), ops(after));
    Outputs.assertSame(before, after, Map.of("x", random(1, 5, 3), "w", random(2, 4, 3)));
  }

  /**
   * A weight gradient {@code (x^T dy)^T} is one matmul {@code dy^T x}; a transpose that an add also
   * reads stays for the add while the matmul reads under it.
   */
  @Test
  void theTransposeOfAMatmulIsComputedDirectlyAndSharedTransposesStay() {
    PlainGraph g = new PlainGraph();
    int x = g.input("x", TensorType.f32(Shape.of(5, 7)));
    int dy = g.input("dy", TensorType.f32(Shape.of(5, 3)));
    int w = g.input("w", TensorType.f32(Shape.of(7, 7)));
    int grad = g.add(new Op.MatMul(), g.add(new Op.Permute(SWAP), x), dy); // [7, 3], read only by the transpose
    g.output("g", g.add(new Op.Permute(SWAP), grad));
    int wt = g.add(new Op.Permute(SWAP), w);
    g.output("mixed", g.add(new Op.Binary(BinaryFn.ADD), g.add(new Op.MatMul(), wt, w), wt));
    Graph before = g.build();
    Graph after = DeadCode.eliminate(TransposeFolding.fold(before));
    assertEquals(List.of("x", "dy", "w", "matmul transpose_a", "permute [1, 0]", "matmul transpose_a", "add"),
        ops(after));
    Node gradient = after.node(after.outputs().get("g"));
    assertEquals(List.of(1, 0), gradient.inputs(), "dy^T x: the operands swap");
    Outputs.assertSame(before, after, Map.of("x", random(1, 5, 7), "dy", random(2, 5, 3), "w", random(3, 7, 7)));
  }

  /** A matmul another node also reads keeps its value; its transpose is not recomputed. */
  @Test
  void aMatmulReadTwiceIsNotComputedTwice() {
    PlainGraph g = new PlainGraph();
    int a = g.input("a", TensorType.f32(Shape.of(2, 3)));
    int b = g.input("b", TensorType.f32(Shape.of(3, 2)));
    int p = g.add(new Op.MatMul(), a, b);
    g.output("p", p);
    g.output("pt", g.add(new Op.Permute(SWAP), p));
    Graph after = DeadCode.eliminate(TransposeFolding.fold(g.build()));
    assertEquals(List.of("a", "b", "matmul", "permute [1, 0]"), ops(after));
  }

  /** Batched operands: only the last two axes count, and the flags undo a second transpose. */
  @Test
  void batchedTransposesFoldAndFlagsToggle() {
    PlainGraph g = new PlainGraph();
    int a = g.input("a", TensorType.f32(Shape.of(2, 5, 3)));
    int b = g.input("b", TensorType.f32(Shape.of(2, 5, 4)));
    int c = g.input("c", TensorType.f32(Shape.of(3, 2, 4)));
    int at = g.add(new Op.Permute(List.of(0, 2, 1)), a);
    g.output("first", g.add(new Op.MatMul(), at, b)); // [2, 3, 4]
    int batchSwap = g.add(new Op.Permute(List.of(1, 0, 2)), c); // [2, 3, 4], not a last-two swap: stays
    g.output("twice", g.add(new Op.MatMul(true, false), at, batchSwap)); // a @ swap(c): [2, 5, 4]
    Graph before = g.build();
    Graph after = DeadCode.eliminate(TransposeFolding.fold(before));
    assertTrue(ops(after).contains("matmul transpose_a"), ops(after).toString());
    assertEquals("matmul", after.node(after.outputs().get("twice")).op().text(), "transpose_a of a^T is a");
    Outputs.assertSame(before, after, Map.of("a", random(4, 2, 5, 3), "b", random(5, 2, 5, 4), "c", random(6, 3, 2, 4)));
    assertTrue(ops(after).contains("permute [1, 0, 2]"));
  }

  /** A recurrent cell's {@code h @ w^T} inside a scan body folds too (it runs once per step). */
  @Test
  void scanBodiesAreFolded() {
    PlainGraph body = new PlainGraph();
    int h = body.input("carry0", TensorType.f32(Shape.of(2, 3)));
    int w = body.input("const0", TensorType.f32(Shape.of(3, 3)));
    body.output("carry0", body.add(new Op.Unary(UnaryFn.TANH), body.add(new Op.MatMul(), h,
        body.add(new Op.Permute(SWAP), w))));
    Op.Scan scan = new Op.Scan(body.build(), 1, 0, 1, Dim.of(4), false);
    PlainGraph g = new PlainGraph();
    int h0 = g.input("h0", TensorType.f32(Shape.of(2, 3)));
    int w0 = g.input("w", TensorType.f32(Shape.of(3, 3)));
    int s = g.add(scan, h0, w0);
    g.output("h", g.add(new Op.ScanResult(0, scan.resultType(0)), s));
    Graph before = g.build();
    Graph after = TransposeFolding.fold(before);
    Op.Scan folded = (Op.Scan) after.nodes().stream().filter(n -> n.op() instanceof Op.Scan).findFirst().orElseThrow()
        .op();
    assertFalse(ops(folded.body()).stream().anyMatch(o -> o.startsWith("permute")), ops(folded.body()).toString());
    assertTrue(ops(folded.body()).contains("matmul transpose_b"));
    Outputs.assertSame(before, after, Map.of("h0", random(6, 2, 3), "w", random(7, 3, 3)));
  }

  /** The pipeline folds the transposes of a differentiated Linear layer: none is left before a matmul. */
  @Test
  void thePipelineLeavesNoTransposeBeforeAMatmul() throws Exception {
    Graph step = Pipeline.optimize(PipelineTest.trainingStep());
    for (Node n : step.nodes()) {
      if (n.op() instanceof Op.MatMul) {
        for (int in : n.inputs()) {
          assertFalse(TransposeFolding.swapsLastTwoAxes(step.node(in)), "%" + n.id() + " reads a transpose");
        }
      }
    }
  }
}
