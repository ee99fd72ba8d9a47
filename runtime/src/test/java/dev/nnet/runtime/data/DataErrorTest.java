package dev.nnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataErrorTest {
  private final Path file = Path.of("data/train.csv");

  @Test
  void rendersEachKindOfLocation() {
    assertEquals("data/train.csv:3:7: bad", DataError.at(file, 3, 7, "bad").getMessage());
    assertEquals("data/train.csv:3: bad", DataError.at(file, 3, 0, "bad").getMessage());
    assertEquals("data/train.csv: byte 16: bad", DataError.atByte(file, 16, "bad").getMessage());
    assertEquals("data/train.csv: bad", DataError.inFile(file, "bad").getMessage());
  }

  @Test
  void toStringIsTheMessageWithoutTheClassName() {
    DataError e = DataError.at(file, 1, 2, "bad");
    assertEquals(e.getMessage(), e.toString());
    assertEquals("bad", e.problem());
    assertEquals(file, e.file());
  }
}
