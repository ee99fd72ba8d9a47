package dev.nnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  DataError failure(CsvReader reader, Path file) {
    return assertThrows(DataError.class, () -> reader.read(file));
  }

  @Test
  void readsAPlainTableWithoutHeader() throws IOException {
    CsvTable t = CsvReader.create().read(write("a.csv", "1,2,3\n-4.5, 1e-3 ,.25\n"));
    assertEquals(List.of(), t.header());
    assertEquals(DType.F32, t.values().dtype());
    assertArrayEquals(new int[] {2, 3}, t.values().shape());
    assertArrayEquals(new float[] {1, 2, 3, -4.5f, 1e-3f, 0.25f}, t.values().floats());
  }

  @Test
  void detectsAHeaderRowAndFindsColumnsByName() throws IOException {
    CsvTable t = CsvReader.create().read(write("h.csv", "x1,\"x, two\",label\r\n0.5,1,2\r\n\r\n1.5,3,0\r\n"));
    assertEquals(List.of("x1", "x, two", "label"), t.header());
    assertEquals(2, t.rows());
    assertEquals(3, t.columns());
    assertEquals(1, t.columnIndex("x, two"));
    assertArrayEquals(new float[] {0.5f, 1, 1.5f, 3}, t.columns(0, 2).floats());
    assertArrayEquals(new long[] {2, 0}, t.columnAsLongs(t.columnIndex("label")).longs());
    assertEquals(4, t.lineOf(1)); // the blank line 3 is skipped but still counted
  }

  @Test
  void headerCanBeForcedEitherWay() throws IOException {
    Path numericHeader = write("n.csv", "1,2\n3,4\n");
    assertEquals(List.of("1", "2"), CsvReader.create().header(CsvReader.Header.PRESENT).read(numericHeader).header());
    assertEquals(2, CsvReader.create().header(CsvReader.Header.ABSENT).read(numericHeader).rows());
  }

  @Test
  void otherDelimitersQuotesAndSpecialValues() throws IOException {
    CsvTable t = CsvReader.create().delimiter(';').allowNonFinite(true)
        .read(write("s.csv", "\uFEFF\"1.5\" ; nan;-Infinity\n2;\"3\";INF\n"));
    float[] v = t.values().floats();
    assertEquals(1.5f, v[0]);
    assertTrue(Float.isNaN(v[1]));
    assertEquals(Float.NEGATIVE_INFINITY, v[2]);
    assertEquals(Float.POSITIVE_INFINITY, v[5]);
    CsvTable tabs = CsvReader.create().delimiter('\t').read(write("t.tsv", "1\t2\n3\t4\n"));
    assertArrayEquals(new float[] {1, 2, 3, 4}, tabs.values().floats());
  }

  @Test
  void readsGzippedFilesByMagicNotName() throws IOException {
    Path plain = write("g.txt", "1,2\n3,4\n");
    byte[] gz = IdxReaderTest.gzip(Files.readAllBytes(plain));
    Path file = Files.write(dir.resolve("g.txt.data"), gz);
    assertArrayEquals(new float[] {1, 2, 3, 4}, CsvReader.create().read(file).values().floats());
  }

  @Test
  void nonNumericCellIsQuotedWithLineAndColumn() throws IOException {
    Path file = write("bad.csv", "a,b,c\n1,2,3\n4, five ,6\n");
    DataError e = failure(CsvReader.create(), file);
    assertEquals(3, e.line());
    assertEquals(4, e.column());
    assertEquals(file + ":3:4: cell \"five\" in column 2 (\"b\") is not a number; every cell must hold a number "
        + "such as 3, -0.5 or 1e-3", e.getMessage());
  }

  @Test
  void mixedFirstLineSuggestsDeclaringAHeader() throws IOException {
    Path file = write("m.csv", "1,two\n3,4\n");
    DataError e = failure(CsvReader.create(), file);
    assertEquals(file + ":1:3: cell \"two\" in column 2 is not a number; every cell must hold a number such as 3, "
        + "-0.5 or 1e-3. If line 1 is a header row, declare that the file has a header", e.getMessage());
  }

  @Test
  void wrongDelimiterGetsAHint() throws IOException {
    Path file = write("semi.csv", "1;2;3\n4;5;6\n");
    DataError e = failure(CsvReader.create().header(CsvReader.Header.ABSENT), file);
    assertEquals(file + ":1:1: cell \"1;2;3\" in column 1 is not a number; every cell must hold a number such as 3, "
        + "-0.5 or 1e-3. The cell contains ';': if the file is separated by ';', set that as the delimiter", e.getMessage());
  }

  @Test
  void rejectsJavaOnlyNumberSyntax() throws IOException {
    DataError e = failure(CsvReader.create().header(CsvReader.Header.ABSENT), write("j.csv", "1,2f\n"));
    assertEquals(":1:3: cell \"2f\" in column 2 is not a number", e.getMessage().substring(e.file().toString().length(), e.getMessage().indexOf(';')));
  }

  @Test
  void tooFewCellsPointsAtTheEndOfTheLine() throws IOException {
    Path file = write("few.csv", "1,2,3\n4,5\n");
    DataError e = failure(CsvReader.create(), file);
    assertEquals(file + ":2:4: this row has 2 cells, expected 3 (line 1 has 3)", e.getMessage());
  }

  @Test
  void tooManyCellsPointsAtTheFirstExtraCell() throws IOException {
    Path file = write("many.csv", "x,y\n1,2\n3,4,5,6\n");
    DataError e = failure(CsvReader.create(), file);
    assertEquals(file + ":3:5: this row has 4 cells, expected 2 (the header on line 1 names 2)", e.getMessage());
  }

  @Test
  void trailingDelimiterIsExplained() throws IOException {
    Path file = write("trail.csv", "1,2\n3,4,\n");
    DataError e = failure(CsvReader.create(), file);
    assertEquals(file + ":2:5: this row has 3 cells, expected 2 (line 1 has 2); the line ends with ',', which adds an "
        + "empty cell: remove it", e.getMessage());
  }

  @Test
  void emptyCell() throws IOException {
    Path file = write("e.csv", "1,2\n3,\"\"\n");
    assertEquals(file + ":2:3: the cell in column 2 is empty; every cell must hold a number",
        failure(CsvReader.create(), file).getMessage());
  }

  @Test
  void unclosedQuote() throws IOException {
    Path file = write("q.csv", "1,\"2\n");
    assertEquals(file + ":1:3: this quote is never closed; add the closing '\"' before the end of the line",
        failure(CsvReader.create(), file).getMessage());
  }

  @Test
  void emptyFileAndHeaderOnly() throws IOException {
    Path empty = write("empty.csv", "");
    assertEquals(empty + ":1:1: file is empty; expected rows of numbers separated by ','", failure(CsvReader.create(), empty).getMessage());
    Path blank = write("blank.csv", "\n  \n");
    assertEquals(blank + ":1:1: file is empty; expected rows of numbers separated by ','", failure(CsvReader.create(), blank).getMessage());
    Path headerOnly = write("h.csv", "a,b\n");
    assertEquals(headerOnly + ":1:1: has a header row but no data rows below it", failure(CsvReader.create(), headerOnly).getMessage());
  }

  @Test
  void binaryFileIsNotMistakenForText() throws IOException {
    Path file = Files.write(dir.resolve("bin.csv"), new byte[] {0, 0, 8, 3, (byte) 0xff, (byte) 0xfe, 1});
    assertTrue(failure(CsvReader.create(), file).getMessage().contains("not UTF-8 text; is it a binary file"));
  }

  @Test
  void labelsMustBeWholeNumbers() throws IOException {
    CsvTable t = CsvReader.create().read(write("l.csv", "x,label\n1,2\n\n3,2.5\n"));
    DataError e = assertThrows(DataError.class, () -> t.columnAsLongs(1));
    assertEquals(t.file() + ":4: column 2 (\"label\") holds 2.5, but it is read as integer labels, which must be "
        + "whole numbers", e.getMessage());
  }

  @Test
  void missingFile() {
    DataError e = failure(CsvReader.create(), dir.resolve("missing.csv"));
    // An absolute path is the path that was tried: no claim about a working directory it never used.
    assertEquals(dir.resolve("missing.csv") + ": file not found; check the path", e.getMessage());
    DataError relative = failure(CsvReader.create(), Path.of("surely-missing-" + System.nanoTime() + ".csv"));
    assertTrue(relative.getMessage().contains("(a relative path, resolved against the working directory "
        + Path.of("").toAbsolutePath() + ")"), relative.getMessage());
  }

  @Test
  void readsTheBundledDigitsDataSet() {
    Path digits = Path.of("..", "examples", "digits", "digits.csv.gz");
    CsvTable t = CsvReader.create().read(digits);
    assertEquals(List.of(), t.header());
    assertArrayEquals(new int[] {1797, 65}, t.values().shape());
    Tensor pixels = t.columns(0, 64);
    for (float p : pixels.floats()) {
      assertTrue(p >= 0 && p <= 16 && p == Math.rint(p), "pixel " + p);
    }
    long[] perClass = new long[10];
    for (long label : t.columnAsLongs(64).longs()) {
      perClass[(int) label]++;
    }
    assertArrayEquals(new long[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, perClass);
  }

  @Test
  void nanAndInfinityCellsAreErrorsUnlessAllowed() throws IOException {
    Path f = write("n.csv", "x,label\n1,2\n3,NaN\n");
    DataError e = failure(CsvReader.create().header(CsvReader.Header.PRESENT), f);
    assertEquals(3, e.line());
    assertEquals(3, e.column());
    assertTrue(e.problem().contains("column 2 (\"label\") is NaN, not a finite number"), e.getMessage());
    assertTrue(e.problem().contains("allow_nan = true"), e.getMessage());
    DataError inf = failure(CsvReader.create(), write("i.csv", "1,-inf\n"));
    assertTrue(inf.problem().contains("-Infinity, not a finite number"), inf.getMessage());
  }

  @Test
  void aFileThatNeverEndsStopsWithinTheLineLimit() {
    Path zero = Path.of("/dev/zero");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero), "needs /dev/zero");
    DataError e = failure(CsvReader.create(), zero);
    assertEquals(1, e.line());
    assertTrue(e.problem().contains("longer than 16,777,216 characters without a line break"), e.getMessage());
  }

  @Test
  void aGzipBombStopsAtTheSizeLimit() throws IOException {
    byte[] lines = "0,1\n".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII); // 4 MiB, compresses to a few KiB
    Path bomb = Files.write(dir.resolve("bomb.csv.gz"), IdxReaderTest.gzip(lines));
    System.setProperty(BoundedInput.LIMIT_PROPERTY, Integer.toString(1 << 20));
    try {
      DataError e = failure(CsvReader.create(), bomb);
      assertTrue(e.problem().contains("decompresses to more than 1,048,576 bytes"), e.getMessage());
      assertTrue(e.problem().contains("gzip bomb"), e.getMessage());
    } finally {
      System.clearProperty(BoundedInput.LIMIT_PROPERTY);
    }
    assertEquals(1 << 20, CsvReader.create().read(bomb).rows()); // within the default limit it reads
  }

  @Test
  void bytesAfterTheGzipStreamAreAnError() throws IOException {
    byte[] gz = IdxReaderTest.gzip("1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII));
    for (byte[] garbage : new byte[][] {"x".getBytes(StandardCharsets.US_ASCII), "garbage appended to the file!".repeat(20).getBytes(StandardCharsets.US_ASCII)}) {
      byte[] glued = java.util.Arrays.copyOf(gz, gz.length + garbage.length);
      System.arraycopy(garbage, 0, glued, gz.length, garbage.length);
      Path f = Files.write(dir.resolve("glued.csv.gz"), glued);
      DataError e = failure(CsvReader.create(), f);
      assertTrue(e.problem().contains("bytes after the end of its gzip data"), e.getMessage());
    }
    byte[] twice = java.util.Arrays.copyOf(gz, 2 * gz.length); // two members: valid gzip
    System.arraycopy(gz, 0, twice, gz.length, gz.length);
    assertEquals(4, CsvReader.create().read(Files.write(dir.resolve("two.csv.gz"), twice)).rows());
  }

  @Test
  void messagesShowTheOffendingCellAndNothingElseOfTheFile() throws IOException {
    Path f = write("shadow", "root:$y$j9T$Qx0aBcDeFgHiJkLmNoPqRs$TuVwXyZ0123456789abcdefghijkl:19000:0:99999:7:::\n");
    DataError e = failure(CsvReader.create().header(CsvReader.Header.ABSENT), f);
    assertTrue(!e.getMessage().contains("root") && !e.getMessage().contains("$y$"), e.getMessage());
    assertTrue(e.problem().contains("the cell of 83 characters in column 1 is not a number"), e.getMessage());
    Path h = write("h.csv", "root:$y$j9T$secret:19000,b\nx,2\n");
    DataError named = failure(CsvReader.create().header(CsvReader.Header.PRESENT), h);
    assertTrue(!named.getMessage().contains("secret"), named.getMessage());
    assertTrue(named.problem().startsWith("cell \"x\" in column 1 is not a number"), named.getMessage());
  }
}
