package dev.nnet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.CounterRandom;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.Signature;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.train.StepSeeds;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry lists the reference backend first; a run's random draws are a function of its key. */
class BackendsTest {
  @Test
  void theReferenceBackendIsRegisteredFirstAndFoundByName() {
    assertEquals("reference", Backends.all().get(0).name());
    assertEquals(Backends.names().get(0), Backends.reference().name());
    assertTrue(Backends.named("reference").isPresent());
    assertTrue(Backends.named("no-such-backend").isEmpty());
  }

  @Test
  void theSameKeyGivesTheReferenceDrawsAndAnotherKeyOthers() throws Exception {
    GraphBuilder b = new GraphBuilder();
    TensorType t = TensorType.f32(Shape.of(16));
    b.output("noise", b.add(new Op.RandomUniform(t, b.nextSalt()), SourceSpan.NONE));
    Graph g = b.build();
    Signature s = new Signature(List.of(), List.of(new Signature.OutputSlot("noise", Signature.OutputRole.OUTPUT, t,
        null)));
    for (Backend backend : Backends.all()) {
      CompiledGraph c = backend.compile(g, s);
      float[] a = c.run(Map.of(), 7).get("noise").floats().clone();
      float[] again = c.run(Map.of(), 7).get("noise").floats().clone();
      float[] other = c.run(Map.of(), 8).get("noise").floats().clone();
      assertTrue(Arrays.equals(a, again), backend.name());
      assertTrue(!Arrays.equals(a, other), backend.name());
      for (int i = 0; i < a.length; i++) { // every backend draws the reference stream exactly
        assertEquals(CounterRandom.uniform(7, 0, i), a[i], backend.name() + " element " + i);
      }
    }
  }

  @Test
  void stepSeedsDependOnRunEpochAndStep() {
    assertEquals(StepSeeds.training(1, 2, 3), StepSeeds.training(1, 2, 3));
    assertNotEquals(StepSeeds.training(1, 2, 3), StepSeeds.training(1, 3, 2));
    assertNotEquals(StepSeeds.training(1, 0, 0), StepSeeds.training(2, 0, 0));
    assertNotEquals(StepSeeds.training(0, 0, 1), StepSeeds.training(0, 1, 0));
  }
}
