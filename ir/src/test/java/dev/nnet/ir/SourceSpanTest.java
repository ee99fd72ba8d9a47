package dev.nnet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SourceSpanTest {
  private static final SourceSpan CALL = new SourceSpan("m.nnet", 11, 10, 11, 40);
  private static final SourceSpan LIBRARY = new SourceSpan("std/nn.nnet", 74, 13, 74, 30);
  private static final SourceSpan REACHED = LIBRARY.calledFrom(new SourceSpan.Call("cross_entropy", CALL));

  @Test
  void theCallerIsNotPartOfTheSpansIdentity() {
    assertEquals(LIBRARY, REACHED);
    assertEquals(LIBRARY.hashCode(), REACHED.hashCode());
    assertEquals("std/nn.nnet:74:13", REACHED.toString());
  }

  @Test
  void aMessageIsAtTheUsersCallWithTheLibraryLineAsANote() {
    assertEquals("m.nnet:11:10: in `cross_entropy`: index 4 is out of range\n  = note: std/nn.nnet:74:13: inside "
        + "`cross_entropy`", REACHED.locate("index 4 is out of range"));
    assertEquals("std/nn.nnet:74:13: index 4", LIBRARY.locate("index 4"));
    assertEquals("index 4", SourceSpan.NONE.locate("index 4"));
    assertEquals("m.nnet:11:10 (in `cross_entropy`, std/nn.nnet:74:13)", REACHED.describe());
  }
}
