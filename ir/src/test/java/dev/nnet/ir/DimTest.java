package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DimTest {
  private final Dim n = Dim.symbol("N");
  private final Dim t = Dim.symbol("T");

  @Test
  void polynomialsInCanonicalFormCompareEqual() {
    assertEquals(n.times(t).times(Dim.of(784)), Dim.of(784).times(t).times(n));
    assertEquals(n.plus(n), Dim.of(2).times(n));
    assertEquals(Dim.of(0), n.minus(n));
    assertNotEquals(n, t);
  }

  @Test
  void arithmeticThatLeaves64BitsThrowsInsteadOfWrapping() {
    Dim big = Dim.of(1L << 32);
    assertThrows(ArithmeticException.class, () -> big.times(big));
    assertThrows(ArithmeticException.class, () -> Dim.of(Long.MAX_VALUE).plus(Dim.of(1)));
    assertThrows(ArithmeticException.class, () -> Dim.of(Long.MIN_VALUE).times(Dim.of(-1)));
    assertThrows(ArithmeticException.class, () -> big.times(n).evaluate(Map.of("N", 1L << 32)));
    assertThrows(ArithmeticException.class, () -> n.times(big).times(big));
    assertEquals(1L << 62, big.times(Dim.of(1L << 30)).constant());
  }

  @Test
  void constantsFold() {
    Dim d = Dim.of(28).plus(Dim.of(2 * 1)).minus(Dim.of(3)).floorDiv(Dim.of(2)).plus(Dim.of(1));
    assertTrue(d.isConstant());
    assertEquals(14, d.constant());
  }

  @Test
  void exactSymbolicDivisionSimplifies() {
    assertEquals(n.times(Dim.of(2)), n.times(Dim.of(4)).floorDiv(Dim.of(2)));
  }

  @Test
  void inexactDivisionStaysOpaqueButEvaluates() {
    Dim d = n.plus(Dim.of(1)).floorDiv(Dim.of(2));
    assertFalse(d.isConstant());
    assertEquals(3, d.evaluate(Map.of("N", 5L)));
    assertEquals(d, n.plus(Dim.of(1)).floorDiv(Dim.of(2)));
  }

  @Test
  void evaluateNeedsEverySymbol() {
    Dim d = n.times(t).plus(Dim.of(3));
    assertEquals(23, d.evaluate(Map.of("N", 4L, "T", 5L)));
    assertThrows(IllegalArgumentException.class, () -> d.evaluate(Map.of("N", 4L)));
  }

  @Test
  void substituteReplacesSymbols() {
    Dim d = Dim.symbol("in").times(Dim.of(4));
    assertEquals(Dim.of(1024), d.substitute(Map.of("in", Dim.of(256))));
  }

  @Test
  void printsLikeSource() {
    assertEquals("N", n.toString());
    assertEquals("784", Dim.of(784).toString());
    assertEquals("4*N + 1", n.times(Dim.of(4)).plus(Dim.of(1)).toString());
    assertEquals("N", n.symbolName());
    assertEquals(null, n.times(Dim.of(2)).symbolName());
  }
}
