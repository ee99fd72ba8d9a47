package dev.nnet.check;

import dev.nnet.driver.Compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nnet.diag.SourceFile;
import dev.nnet.runtime.backend.Backends;
import dev.nnet.runtime.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splits are row ranges of a part, of its rows as stored or, with {@code shuffle = true}, in a seeded order. */
class DataSplitTest {
  @TempDir
  Path dir;

  private Map<String, Dataset> splits(String sourceOptions) throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      csv.append(i).append(',').append(i % 2).append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv.toString());
    Path file = dir.resolve("d.nnet");
    Files.writeString(file, """
        model M() {
          fc = Linear(1, 1)
          forward(x: [N, 1]) -> [N, 1] = x |> fc
        }
        data d = csv("d.csv"%s) {
          x: [1] = row[0..1]
          y: [1] = row[1..2]
          split train = rows[0..30], test = rows[30..]
        }
        train M() on d {
          loss = mse(model(x), y)
          optimizer = sgd(lr = 0.1)
        }
        """.formatted(sourceOptions));
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    return r.plans().get(0).data().load(Backends.reference());
  }

  private static List<Integer> firstColumn(Dataset d) {
    List<Integer> out = new ArrayList<>();
    for (float v : d.column("x").floats()) {
      out.add((int) v);
    }
    return out;
  }

  private static List<Integer> rowsOf(Map<String, Dataset> splits) {
    List<Integer> all = new ArrayList<>(firstColumn(splits.get("train")));
    all.addAll(firstColumn(splits.get("test")));
    return all;
  }

  @Test
  void withoutShuffleSplitsAreTheStoredRowRanges() throws Exception {
    assertEquals(IntStream.range(0, 40).boxed().toList(), rowsOf(splits("")));
  }

  @Test
  void shuffledSplitsPermuteAllRowsOnceWithTheSeed() throws Exception {
    Map<String, Dataset> s = splits(", shuffle = true");
    assertEquals(30, s.get("train").size());
    assertEquals(10, s.get("test").size());
    List<Integer> order = rowsOf(s);
    assertNotEquals(IntStream.range(0, 40).boxed().toList(), order);
    assertEquals(IntStream.range(0, 40).boxed().toList(), order.stream().sorted().toList(), "every row exactly once");
    // Fields stay together: y is the parity of x in every shuffled row.
    float[] x = s.get("train").column("x").floats();
    float[] y = s.get("train").column("y").floats();
    for (int i = 0; i < x.length; i++) {
      assertEquals((int) x[i] % 2, (int) y[i], "row " + i);
    }
    assertEquals(order, rowsOf(splits(", shuffle = true, seed = 0")), "seed 0 is the default and reproducible");
    assertNotEquals(order, rowsOf(splits(", shuffle = true, seed = 7")));
  }

  @Test
  void theSeededOrderIsFixedAcrossVersions() throws Exception {
    // The order must not change between releases or JDKs, or a test split would leak into training
    // when a checkpoint is evaluated with a newer nnet: it is the Fisher-Yates order of Batches
    // (SplitMix64 draws, no JDK-specific bounded draws) seeded with the source's seed.
    assertEquals(List.of(17, 10, 36, 15, 11, 20, 7, 38), rowsOf(splits(", shuffle = true")).subList(0, 8));
  }
}
