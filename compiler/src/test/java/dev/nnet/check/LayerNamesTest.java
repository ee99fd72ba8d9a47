package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.runtime.ParamSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layers held in list and tuple fields, or made by a function for a field, get parameters of their own. */
class LayerNamesTest {
  @Test
  void layersInListAndTupleFieldsAreNamedByPositionAndCounted() {
    Compiler.Result r = Compiler.check(new SourceFile("lists.nnet", """
        model Listed() {
          layers = [Linear(4, 4), Linear(4, 4)]
          heads = (Linear(4, 2), Linear(4, 3))
          forward(x: [N, 4]) = (x |> layers[0] |> layers[1] |> heads[0], x |> heads[1])
        }
        """));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    LayerInstance model = r.models().get(0);
    List<String> names = model.allParams().stream().map(ParamSpec::name).toList();
    assertEquals(List.of("layers.0.weight", "layers.0.b", "layers.1.weight", "layers.1.b", "heads.0.weight",
        "heads.0.b", "heads.1.weight", "heads.1.b"), names);
    // Before, the second layer of each list shared the first's weights, and the summary missed it.
    assertEquals(2 * (16 + 4) + (8 + 2) + (12 + 3), model.parameterCount());
    assertEquals(List.of("layers.0", "layers.1", "heads.0", "heads.1"),
        model.flatten().stream().skip(1).map(LayerInstance::path).toList());
  }

  @Test
  void aSecondLayerThatAFunctionCreatesForAFieldIsNamedAfterIt() {
    Compiler.Result r = Compiler.check(new SourceFile("pairs.nnet", """
        fn pair(n: int) = [Linear(n, n), Linear(n, n)]
        model Pairs() {
          a = pair(4)
          b = pair(4)
          forward(x: [N, 4]) = x |> a[0] |> a[1] |> b[0] |> b[1]
        }
        """));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    List<String> names = r.models().get(0).allParams().stream().map(ParamSpec::name).toList();
    // Before, the second layer of each pair took the names `weight` and `b`, and the two pairs shared them.
    assertEquals(List.of("a.weight", "a.b", "a.1.weight", "a.1.b", "b.weight", "b.b", "b.1.weight", "b.1.b"), names);
  }
}
