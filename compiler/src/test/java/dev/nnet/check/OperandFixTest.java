package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A help line's edit must read as the user means it: a postfix applies to the whole operand. */
class OperandFixTest {
  @Test
  void onlyANameOrASingleCallGoesWithoutParentheses() {
    assertEquals("x", OperandFix.operand("x"));
    assertEquals("model.fc", OperandFix.operand("model.fc"));
    assertEquals("net(x)", OperandFix.operand("net(x)"));
    assertEquals("(f(a) + g(b))", OperandFix.operand("f(a) + g(b)"));
    assertEquals("(x |> fc)", OperandFix.operand("x |> fc"));
    assertEquals("(squeeze(f(x), -1))", OperandFix.operand("squeeze(f(x), -1)"));
  }
}
