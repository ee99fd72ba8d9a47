package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code Linear} on a single sample {@code [in]} computes what it computes on that sample's row of a batch. */
class UnbatchedLinearTest {
  @Test
  void aSingleSampleGivesTheRowOfTheBatchedResult() {
    Compiler.Result r = Compiler.check(new SourceFile("one.nnet", """
        model Both() {
          fc = Linear(3, 2)
          forward(x: [2, 3]) -> [2, 2] = concat([unsqueeze(x[1] |> fc, 0), x |> fc], axis = 0)[0..2]
        }
        """));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    Map<String, Tensor> feeds = Map.of(
        "x", Tensor.of(new float[] {1, 2, 3, -4, 5, 0.5f}, 2, 3),
        "fc.weight", Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.7f, 0.0f, -1.5f}, 2, 3),
        "fc.b", Tensor.of(new float[] {0.25f, -1}, 2));
    Tensor out = new Executor(r.models().get(0).traced()).run(feeds, 0).get("forward");
    assertEquals(4, out.size());
    float[] v = out.floats();
    // Row 0 is the unbatched x[1] through fc, row 1 is row 0 of the batched product: x[0] through fc.
    float[] single = {0.1f * -4 - 0.2f * 5 + 0.3f * 0.5f + 0.25f, 0.7f * -4 - 1.5f * 0.5f - 1};
    float[] batchedRow0 = {0.1f - 0.4f + 0.9f + 0.25f, 0.7f - 4.5f - 1};
    assertArrayEquals(single, new float[] {v[0], v[1]}, 1e-5f);
    assertArrayEquals(batchedRow0, new float[] {v[2], v[3]}, 1e-5f);
  }
}
