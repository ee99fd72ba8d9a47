package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.SourceSpan;
import org.junit.jupiter.api.Test;

/** Split ranges: which are wrong whatever the row count (the check), and which only once it is known. */
class RowRangeTest {
  private static final SourceSpan AT = new SourceSpan("d.nnet", 4, 22, 4, 30);

  @Test
  void reversedAndEmptyRangesAreKnownWithoutTheData() {
    assertTrue(new RowRange(1200L, 100L, AT).reversed());
    assertTrue(new RowRange(-1L, -5L, AT).reversed());
    assertFalse(new RowRange(-5L, 10L, AT).reversed(), "depends on the row count");
    assertTrue(new RowRange(1000L, 1000L, AT).empty());
    assertFalse(new RowRange(1000L, null, AT).empty());
  }

  @Test
  void aRangeReversedOnlyOnceCountedFromTheEndSaysSoAtLoadTime() throws Exception {
    assertArrayEquals(new long[] {15, 18}, new RowRange(-5L, 18L, AT).resolve("rows", 20));
    DataLoadError e = assertThrows(DataLoadError.class, () -> new RowRange(-5L, 10L, AT).resolve("rows", 20));
    assertEquals("rows 15..10 are reversed: counted from the end of `rows` (20 rows here), the range ends before it "
        + "starts", e.diagnostic().message());
    assertEquals(AT, e.diagnostic().span());
  }
}
