package dev.nnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetTest {
  /** 4 rows: x[i] = [10i, 10i+1, 10i+2], y[i] = i, mask[i] = i % 2. */
  static Dataset sample() {
    Map<String, Tensor> cols = new LinkedHashMap<>();
    float[] x = new float[12];
    for (int i = 0; i < 12; i++) {
      x[i] = 10 * (i / 3) + i % 3;
    }
    cols.put("x", Tensor.of(x, 4, 3));
    cols.put("y", Tensor.ofLongs(new long[] {0, 1, 2, 3}, 4));
    cols.put("mask", Tensor.ofBool(new float[] {0, 1, 0, 1}, 4, 1));
    return Dataset.of(cols);
  }

  @Test
  void keepsColumnOrderAndSize() {
    Dataset d = sample();
    assertEquals(4, d.size());
    assertEquals(List.of("x", "y", "mask"), d.names());
    assertEquals("Dataset(4 rows, x: f32[4, 3], y: i64[4], mask: bool[4, 1])", d.toString());
  }

  @Test
  void sliceCopiesAContiguousRange() {
    Dataset d = sample();
    Dataset s = d.slice(1, 3);
    assertEquals(2, s.size());
    assertArrayEquals(new float[] {10, 11, 12, 20, 21, 22}, s.column("x").floats());
    assertArrayEquals(new int[] {2, 3}, s.column("x").shape());
    assertArrayEquals(new long[] {1, 2}, s.column("y").longs());
    assertEquals(DType.BOOL, s.column("mask").dtype());
    assertNotSame(d.column("x").floats(), s.column("x").floats());
    assertEquals(0, d.slice(2, 2).size());
  }

  @Test
  void selectGathersRowsInTheGivenOrder() {
    Dataset s = sample().select(new int[] {3, 0, 3});
    assertArrayEquals(new float[] {30, 31, 32, 0, 1, 2, 30, 31, 32}, s.column("x").floats());
    assertArrayEquals(new long[] {3, 0, 3}, s.column("y").longs());
    assertArrayEquals(new float[] {1, 0, 1}, s.column("mask").floats());
    Dataset part = sample().select(new int[] {9, 2, 1, 9}, 1, 3);
    assertArrayEquals(new long[] {2, 1}, part.column("y").longs());
  }

  @Test
  void rejectsMisuseWithClearMessages() {
    Map<String, Tensor> bad = new LinkedHashMap<>();
    bad.put("x", Tensor.zeros(DType.F32, 4, 2));
    bad.put("y", Tensor.zeros(DType.I64, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(bad));
    assertEquals("column \"y\" has 3 rows but \"x\" has 4; all columns of a data set must have the same number of rows", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> sample().column("z")).getMessage()
        .contains("the columns are [x, y, mask]"));
    assertThrows(IndexOutOfBoundsException.class, () -> sample().select(new int[] {4}));
    assertThrows(IndexOutOfBoundsException.class, () -> sample().slice(3, 5));
  }
}
