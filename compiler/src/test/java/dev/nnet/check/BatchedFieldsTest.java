package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading computes the fields in batches of rows; it must give exactly the data sets that computing
 * them row by row gives, element for element, and the same errors.
 */
class BatchedFieldsTest {
  @TempDir
  Path dir;

  private static final Path DIGITS = Path.of("../examples/digits/digits.csv.gz").toAbsolutePath().normalize();

  private DataPlan plan(String model, String data, String use) throws Exception {
    String text = model + data + """
        train M() on d {
          loss = cross_entropy(model(%s), label)
          optimizer = sgd(lr = 0.1)
        }
        """.formatted(use);
    Path file = dir.resolve("m.nnet");
    Files.writeString(file, text);
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), text));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    return r.plans().get(0).data();
  }

  private static final String DIGITS_MODEL = """
      model M() {
        fc = Linear(64, 10)
        forward(x: [N, 64]) -> [N, 10] = x |> fc
      }
      """;

  private DataPlan digits(String extraFields) throws Exception {
    return plan(DIGITS_MODEL, """
        data d = csv("%s", shuffle = true, seed = 3) {
          image: [64] = row[0..64] / 16.0
          label: i64 = cast(row[64], i64)
        %s
          split train = rows[0..1300], val = rows[1300..1500], test = rows[1500..]
        }
        """.formatted(DIGITS, extraFields), "image");
  }

  @Test
  void theDigitsCsvLoadsTheSameBatchedAsRowByRow() throws Exception {
    DataPlan p = digits("""
          grid: [1, 8, 8] = reshape(row[0..64], [1, 8, 8]) / 16.0
          corner: f32 = row[0] + row[63] * 2.0
          flipped: [8, 8] = flip(reshape(row[0..64], [8, 8]), 1)
          centred: [64] = row[0..64] - mean(row[0..64])
          ink: f32 = sum(where(row[0..64] > 8.0, ones_like(row[0..64]), zeros_like(row[0..64])))
          hot: [10] = one_hot(cast(row[64], i64), 10)
          ends: [3] = concat([row[0..2], row[64..65]])
          brightest: i64 = argmax(row[0..64])
          constant: [2] = fill([2], 0.5)
        """);
    Map<String, Dataset> rowByRow = DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.ROW_BY_ROW);
    assertEquals(1797, rowByRow.values().stream().mapToInt(Dataset::size).sum());
    assertEquals(DType.I64, rowByRow.get("train").column("label").dtype());
    for (int chunk : new int[] {8192, 100, 1}) { // one chunk; many and a short last one; one row each
      assertSameData(rowByRow, DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.batched(chunk)));
    }
    assertSameData(rowByRow, p.load(Backends.reference()));
  }

  @Test
  void anMnistDirectoryLoadsTheSameBatchedAsRowByRow() throws Exception {
    Path mnist = Files.createDirectory(dir.resolve("mnist"));
    SplittableRandom random = new SplittableRandom(11);
    writeMnist(mnist, "train", 300, random);
    writeMnist(mnist, "t10k", 70, random);
    DataPlan p = plan("""
        model M() {
          fc = Linear(784, 10)
          forward(x: [N, 1, 28, 28]) -> [N, 10] = x |> flatten |> fc
        }
        """, """
        data d = mnist("%s", shuffle = true, seed = 5) {
          image: [1, 28, 28] = reshape(pixels, [1, 28, 28]) / 255.0
          label: i64 = label
          top: [14, 28] = pixels[0..14] / 255.0
          centre: f32 = pixels[14, 14]
          column: [28] = pixels[.., 3]
          parity: i64 = label - (label / 2) * 2
          split train = train[0..250], val = train[250..], test = test
        }
        """.formatted(mnist), "image");
    Map<String, Dataset> rowByRow = DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.ROW_BY_ROW);
    assertEquals(Set.of("train", "val", "test"), rowByRow.keySet());
    assertEquals(70, rowByRow.get("test").size());
    assertSameData(rowByRow, DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.batched(64)));
    assertSameData(rowByRow, p.load(Backends.reference()));
  }

  @Test
  void aFieldThatDrawsRandomNumbersIsComputedRowByRowWithTheSameDraws() throws Exception {
    DataPlan p = digits("""
          noisy: [4] = row[0..4] + random_normal([4])
          twice: [4] = row[0..4] * 2.0
        """);
    FieldComputation batched = new FieldComputation(p, p.fieldTypes(), Backends.reference(),
        FieldComputation.Strategy.DEFAULT);
    assertEquals(Set.of("noisy"), batched.rowByRowFields(), "only the field that draws goes row by row");
    Map<String, Dataset> rowByRow = DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.ROW_BY_ROW);
    Map<String, Dataset> loaded = p.load(Backends.reference());
    assertSameData(rowByRow, loaded);
    float[] noisy = loaded.get("train").column("noisy").floats();
    float[] twice = loaded.get("train").column("twice").floats();
    assertTrue(noisy[0] != twice[0] / 2 || noisy[1] != twice[1] / 2, "the noise was drawn");
  }

  @Test
  void aValueOutOfRangeInSomeRowIsReportedAtThatRowAndField() throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      csv.append("1,2,3,4,").append(i == 37 ? 7 : i % 3).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv.toString());
    DataPlan p = plan("""
        model M() {
          fc = Linear(3, 3)
          forward(x: [N, 3]) -> [N, 3] = x |> fc
        }
        """, """
        data d = csv("d.csv") {
          x: [4] = row[0..4]
          label: i64 = cast(row[4], i64)
          hot: [3] = one_hot(cast(row[4], i64), 3)
        }
        """, "hot");
    DataLoadError perRow = assertThrows(DataLoadError.class,
        () -> DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.ROW_BY_ROW));
    assertTrue(perRow.diagnostic().message().startsWith("row 37: `one_hot` index 7"), perRow.diagnostic().message());
    assertEquals(8, perRow.diagnostic().span().line(), "at the field");
    for (int chunk : new int[] {8192, 16}) {
      DataLoadError batched = assertThrows(DataLoadError.class,
          () -> DataLoader.load(p, dir, Backends.reference(), FieldComputation.Strategy.batched(chunk)));
      assertSameDiagnostic(perRow.diagnostic(), batched.diagnostic());
    }
  }

  // ---- helpers

  private static void assertSameDiagnostic(Diagnostic want, Diagnostic have) {
    assertEquals(want.code(), have.code());
    assertEquals(want.message(), have.message());
    assertEquals(want.span(), have.span());
    assertEquals(ErrorCode.DATA_FIELD, have.code());
  }

  private static void assertSameData(Map<String, Dataset> want, Map<String, Dataset> have) {
    assertEquals(want.keySet(), have.keySet());
    for (String split : want.keySet()) {
      Dataset a = want.get(split);
      Dataset b = have.get(split);
      assertEquals(a.names(), b.names(), split);
      for (String column : a.names()) {
        Tensor x = a.column(column);
        Tensor y = b.column(column);
        String what = split + "." + column;
        assertArrayEquals(x.shape(), y.shape(), what);
        assertEquals(x.dtype(), y.dtype(), what);
        if (x.dtype() == DType.I64) {
          assertArrayEquals(x.longs(), y.longs(), what);
        } else {
          float[] u = x.floats();
          float[] v = y.floats();
          for (int i = 0; i < u.length; i++) {
            if (Float.floatToIntBits(u[i]) != Float.floatToIntBits(v[i])) {
              assertEquals(u[i], v[i], what + "[" + i + "]");
              throw new AssertionError(what + "[" + i + "]: " + u[i] + " and " + v[i] + " differ in their bits");
            }
          }
        }
      }
    }
  }

  /** {@code <prefix>-images-idx3-ubyte.gz} and {@code <prefix>-labels-idx1-ubyte} with {@code n} random samples. */
  private static void writeMnist(Path dir, String prefix, int n, SplittableRandom random) throws IOException {
    byte[] pixels = new byte[n * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) random.nextInt(256);
    }
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) random.nextInt(10);
    }
    Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(idx(new int[] {n, 28, 28}, pixels)));
    Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(new int[] {n}, labels));
  }

  /** An IDX file of unsigned bytes: magic, big-endian dims, data. */
  private static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
