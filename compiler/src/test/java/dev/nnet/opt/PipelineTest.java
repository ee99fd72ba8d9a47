package dev.nnet.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.grad.Differentiator;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.ReduceFn;
import dev.nnet.ir.Shape;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PipelineTest {
  /**
   * A small classifier's loss and gradients, differentiated as the compiler does: linear layer
   * ({@code x @ w^T + b}), ReLU, log-softmax with a stopped max, cross-entropy from one-hot labels.
   */
  static Graph trainingStep() throws ShapeError {
    GraphBuilder g = new GraphBuilder();
    Value x = g.input("x", TensorType.f32(Shape.of(5, 3)));
    Value label = g.input("label", new TensorType(DType.I64, Shape.of(5)));
    Value w = g.parameter("w", TensorType.f32(Shape.of(4, 3)), true);
    Value b = g.parameter("b", TensorType.f32(Shape.of(4)), true);
    Value h = g.add(new Op.Binary(BinaryFn.ADD), null, g.add(new Op.MatMul(), null, x,
        g.add(new Op.Permute(List.of(1, 0)), null, w)), b);
    Value zero = g.scalar(0);
    Value relu = g.add(new Op.Where(), null, g.add(new Op.Binary(BinaryFn.GT), null, h, zero), h, zero);
    Value max = g.add(new Op.StopGradient(), null, g.add(new Op.Reduce(ReduceFn.MAX, List.of(1), true), null, relu));
    Value shifted = g.add(new Op.Binary(BinaryFn.SUB), null, relu, max);
    Value logSum = g.add(new Op.Unary(UnaryFn.LOG), null, g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), true), null,
        g.add(new Op.Unary(UnaryFn.EXP), null, shifted)));
    Value logp = g.add(new Op.Binary(BinaryFn.SUB), null, shifted, logSum);
    Value picked = g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), false), null,
        g.add(new Op.Binary(BinaryFn.MUL), null, g.add(new Op.OneHot(4), null, label), logp));
    Value loss = g.add(new Op.Unary(UnaryFn.NEG), null, g.add(new Op.Reduce(ReduceFn.MEAN, List.of(0), false), null, picked));
    List<Value> grads = Differentiator.gradients(g, loss, List.of(w, b));
    g.output("loss", loss);
    g.output("dw", grads.get(0));
    g.output("db", grads.get(1));
    g.output("dw again", g.add(new Op.Binary(BinaryFn.MUL), null, grads.get(0), g.scalar(1)));
    return g.build();
  }

  private static Map<String, Tensor> feeds() {
    SplittableRandom rng = new SplittableRandom(3);
    float[] x = new float[15];
    float[] w = new float[12];
    float[] b = new float[4];
    for (float[] a : List.of(x, w, b)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) rng.nextDouble(-1, 1);
      }
    }
    return Map.of("x", Tensor.of(x, 5, 3), "w", Tensor.of(w, 4, 3), "b", Tensor.of(b, 4),
        "label", Tensor.ofLongs(new long[] {0, 3, 1, 2, 3}, 5));
  }

  @Test
  void theOptimizedStepComputesTheSameNumbersWithFewerNodes() throws Exception {
    Graph before = trainingStep();
    Graph after = Pipeline.optimize(before);
    Outputs.assertSame(before, after, feeds());
    assertTrue(after.nodes().size() < before.nodes().size(), after.nodes().size() + " vs " + before.nodes().size());
    assertEquals(after.outputs().get("dw"), after.outputs().get("dw again"));
  }

  @Test
  void optimizingTwiceChangesNothing() throws Exception {
    Graph once = Pipeline.optimize(trainingStep());
    assertEquals(once, Pipeline.optimize(once));
  }

  @Test
  void passesFeedEachOther() {
    // neg(fill 1) folds to a fill of -1; neg(neg(...)) of it would not; x * (-1 * -1) needs folding
    // before simplification, and two equal products need CSE after it.
    PlainGraph g = new PlainGraph();
    int x = g.input("x", TensorType.f32(Shape.of(3)));
    int minusOne = g.add(new Op.Unary(UnaryFn.NEG), g.fill(1, TensorType.f32(Shape.scalar())));
    int one = g.add(new Op.Binary(BinaryFn.MUL), minusOne, minusOne);
    int a = g.add(new Op.Unary(UnaryFn.EXP), g.add(new Op.Binary(BinaryFn.MUL), x, one));
    int b = g.add(new Op.Unary(UnaryFn.EXP), x);
    g.output("a", a).output("b", b);
    Graph out = Pipeline.optimize(g.build());
    assertEquals(2, out.nodes().size(), out.dump());
    assertEquals(out.outputs().get("a"), out.outputs().get("b"));
  }
}
