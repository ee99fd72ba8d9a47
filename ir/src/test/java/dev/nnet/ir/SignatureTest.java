package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A signature must describe its graph: one slot per input and output, updates replacing inputs of their type. */
class SignatureTest {
  private static final TensorType W = TensorType.f32(Shape.of(3));
  private static final TensorType X = TensorType.f32(Shape.of(3));

  /** {@code w - x}: a parameter, a batch input, an update. */
  private static Graph graph() throws ShapeError {
    GraphBuilder b = new GraphBuilder();
    GraphBuilder.Value w = b.parameter("w", W, true);
    GraphBuilder.Value x = b.input("x", X);
    b.output("new:w", b.add(new Op.Binary(BinaryFn.SUB), SourceSpan.NONE, w, x));
    return b.build();
  }

  private static final Signature.InputSlot W_SLOT = new Signature.InputSlot("w", Signature.InputRole.PARAMETER, W);
  private static final Signature.InputSlot X_SLOT = new Signature.InputSlot("x", Signature.InputRole.BATCH, X);

  @Test
  void aSignatureThatDescribesTheGraphValidates() throws Exception {
    Signature s = new Signature(List.of(W_SLOT, X_SLOT),
        List.of(new Signature.OutputSlot("new:w", Signature.OutputRole.UPDATE, W, "w")));
    assertEquals(s, s.validate(graph()));
    assertEquals(List.of(X_SLOT), s.inputs(Signature.InputRole.BATCH));
  }

  @Test
  void everyInputNeedsExactlyOneSlot() throws Exception {
    Signature missing = new Signature(List.of(W_SLOT),
        List.of(new Signature.OutputSlot("new:w", Signature.OutputRole.UPDATE, W, "w")));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> missing.validate(graph())).getMessage()
        .contains("`x` has no slot"));
    Signature twice = new Signature(List.of(W_SLOT, X_SLOT, X_SLOT),
        List.of(new Signature.OutputSlot("new:w", Signature.OutputRole.UPDATE, W, "w")));
    assertThrows(IllegalArgumentException.class, () -> twice.validate(graph()));
  }

  @Test
  void anUpdateMustReplaceAnInputOfItsType() throws Exception {
    Signature wrong = new Signature(List.of(W_SLOT, X_SLOT),
        List.of(new Signature.OutputSlot("new:w", Signature.OutputRole.UPDATE, W, "lr")));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> wrong.validate(graph())).getMessage()
        .contains("replaces `lr`, which is not an input"));
    assertThrows(IllegalArgumentException.class,
        () -> new Signature.OutputSlot("loss", Signature.OutputRole.LOSS, W, "w"));
  }
}
