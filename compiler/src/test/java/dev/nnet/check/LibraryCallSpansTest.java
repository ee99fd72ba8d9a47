package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IR nodes of std.nn functions keep the user's call that reached them, for errors found at run time. */
class LibraryCallSpansTest {
  @Test
  void theOneHotOfCrossEntropyAndItsGradientKnowTheUsersCall() {
    String program = String.join("\n",
        "model M() {",
        "  fc = Linear(2, 3)",
        "  forward(x: [N, 2]) = x |> fc",
        "}",
        "data d = csv(\"d.csv\") {",
        "  x: [2] = row[0..2]",
        "  y: i64 = cast(row[2], i64)",
        "}",
        "train M() on d {",
        "  loss = cross_entropy(model(x), y - 1)",
        "  optimizer = sgd(lr = 0.1)",
        "}", "");
    Compiler.Result r = Compiler.check(new SourceFile("m.nnet", program));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    List<Node> step = r.plans().get(0).step().nodes();
    Node oneHot = step.stream().filter(n -> n.op() instanceof Op.OneHot).findFirst().orElseThrow();
    SourceSpan span = oneHot.span();
    assertTrue(span.file().startsWith("std/"), span.toString());
    assertEquals("cross_entropy", span.caller().callee());
    assertEquals(new SourceSpan("m.nnet", 10, 10, 10, 40), span.inUserCode());
    // Every node of std.nn in the step (gradients included) was reached through one of the user's calls.
    for (Node n : step) {
      if (n.span().isKnown() && n.span().file().startsWith("std/")) {
        assertTrue(n.span().caller() != null && n.span().inUserCode().file().equals("m.nnet"), n.toString());
      }
    }
    // The linear layer's matmul is reached through `x |> fc`, the user's line 3.
    Node matmul = step.stream().filter(n -> n.op() instanceof Op.MatMul).findFirst().orElseThrow();
    assertEquals(3, matmul.span().inUserCode().line(), matmul.span().describe());
  }
}
