package dev.nnet.runtime.exec;

import static dev.nnet.runtime.exec.SingleOpGraph.assertFloats;
import static dev.nnet.runtime.exec.SingleOpGraph.assertLongs;
import static dev.nnet.runtime.exec.SingleOpGraph.run;
import static dev.nnet.runtime.exec.SingleOpGraph.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.nnet.ir.DType;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class MovementKernelsTest {
  private static Tensor iota(int... shape) {
    float[] v = new float[(int) Tensor.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return Tensor.of(v, shape);
  }

  @Test
  void reshapeSharesTheData() throws Exception {
    Tensor x = iota(2, 3);
    Tensor y = run(new Op.Reshape(Shape.of(3, 2)), x);
    assertSame(x.floats(), y.floats());
    assertEquals(3, y.dim(0));
  }

  @Test
  void permuteTransposesAndRotatesAxes() throws Exception {
    assertFloats(run(new Op.Permute(List.of(1, 0)), iota(2, 3)), shape(3, 2), 0, 3, 1, 4, 2, 5);
    // out[k][i][j] = x[i][j][k] with x = iota(2, 2, 3): value 6i + 3j + k
    assertFloats(run(new Op.Permute(List.of(2, 0, 1)), iota(2, 2, 3)), shape(3, 2, 2),
        0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11);
    assertLongs(run(new Op.Permute(List.of(1, 0)), Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2)),
        shape(2, 2), 1, 3, 2, 4);
  }

  @Test
  void expandRepeatsSizeOneAndAddsLeadingAxes() throws Exception {
    Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
    assertFloats(run(new Op.Expand(Shape.of(2, 2, 3)), col), shape(2, 2, 3), 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2);
    Tensor bool = Tensor.ofBool(new float[] {1, 0}, 2);
    Tensor e = run(new Op.Expand(Shape.of(2, 2)), bool);
    assertEquals(DType.BOOL, e.dtype());
    assertFloats(e, shape(2, 2), 1, 0, 1, 0);
  }

  @Test
  void sliceWithStepAlongAnAxis() throws Exception {
    assertFloats(run(new Op.Slice(1, 1, 4, 2), iota(2, 5)), shape(2, 2), 1, 3, 6, 8);
    assertFloats(run(new Op.Slice(0, 1, 2, 1), iota(2, 3)), shape(1, 3), 3, 4, 5);
    assertFloats(run(new Op.Slice(1, 2, 2, 1), iota(2, 3)), shape(2, 0));
  }

  @Test
  void concatAlongInnerAndOuterAxes() throws Exception {
    Tensor a = iota(2, 2);
    Tensor b = Tensor.of(new float[] {9, 9, 9, 9, 9, 9}, 2, 3);
    assertFloats(run(new Op.Concat(1), a, b), shape(2, 5), 0, 1, 9, 9, 9, 2, 3, 9, 9, 9);
    assertFloats(run(new Op.Concat(0), a, a), shape(4, 2), 0, 1, 2, 3, 0, 1, 2, 3);
    assertLongs(run(new Op.Concat(0), Tensor.ofLongs(new long[] {1}, 1), Tensor.ofLongs(new long[] {2, 3}, 2)),
        shape(3), 1, 2, 3);
  }
}
