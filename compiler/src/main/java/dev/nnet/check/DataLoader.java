package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.data.Batches;
import dev.nnet.runtime.data.CsvReader;
import dev.nnet.runtime.data.CsvTable;
import dev.nnet.runtime.data.DataError;
import dev.nnet.runtime.data.RowOrigins;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.data.IdxReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Loads a {@link DataPlan}: reads the source's files, gives the schema's symbols (a CSV file's
 * column count) their values and checks the field graph against them, computes the fields of every
 * row on a backend (in batches of rows: {@link FieldComputation}), shuffles each part if asked, and
 * resolves the splits' row ranges. This is run time work, done by {@code train}, {@code eval} and
 * {@code predict}; checking never reads data.
 * Every failure is a {@link DataLoadError} located in the .nnet file.
 */
public final class DataLoader {
  private DataLoader() {}

  /** The data sets of {@code plan}'s splits; relative source paths are resolved against {@code baseDir}. */
  public static Map<String, Dataset> load(DataPlan plan, Path baseDir, Backend backend) throws DataLoadError {
    return load(plan, baseDir, backend, FieldComputation.Strategy.DEFAULT);
  }

  /** {@link #load(DataPlan, Path, Backend)}, computing the fields as {@code strategy} says. */
  static Map<String, Dataset> load(DataPlan plan, Path baseDir, Backend backend, FieldComputation.Strategy strategy)
      throws DataLoadError {
    Map<String, Map<String, Tensor>> parts;
    Map<String, RowOrigins> origins = new LinkedHashMap<>();
    try {
      parts = read(plan, baseDir, origins);
    } catch (DataError e) {
      Diagnostic d = Diagnostic.error(ErrorCode.DATA_SOURCE, plan.source().span(), e.getMessage())
          .withLabel("while reading this source");
      if (!Path.of(plan.source().path()).isAbsolute()) {
        d = d.withHelp("`" + plan.source().path() + "` is resolved against the directory of the .nnet file that declares it, "
            + baseDir);
      }
      throw new DataLoadError(d);
    }
    Map<String, Dim> bindings = bindSchema(plan, parts);
    Map<String, TensorType> fieldTypes = checkFields(plan, bindings);
    FieldComputation fields = new FieldComputation(plan, fieldTypes, backend, strategy);
    Map<String, Dataset> byPart = new LinkedHashMap<>();
    boolean shuffle = Boolean.TRUE.equals(plan.source().options().get("shuffle"));
    for (var part : parts.entrySet()) {
      Dataset rows = Dataset.of(fields.compute(part.getValue())).withOrigins(origins.get(part.getKey()));
      if (shuffle) {
        long seed = (Long) plan.source().options().get("seed");
        rows = rows.select(Batches.permutation(rows.size(), new SplittableRandom(seed)));
      }
      byPart.put(part.getKey(), rows);
    }
    Map<String, Dataset> splits = new LinkedHashMap<>();
    for (SplitPlan split : plan.splits()) {
      long from = 0;
      long to = byPart.get(split.part()).size();
      for (RowRange range : split.ranges()) {
        long[] r = range.resolve(split.part(), to - from);
        to = from + r[1];
        from = from + r[0];
      }
      splits.put(split.name(), byPart.get(split.part()).slice((int) from, (int) to));
    }
    return splits;
  }

  /**
   * Matches each per-sample variable the files gave against the schema: fixed sizes must agree,
   * and symbols (a CSV file's column count) take the file's values.
   */
  private static Map<String, Dim> bindSchema(DataPlan plan, Map<String, Map<String, Tensor>> parts)
      throws DataLoadError {
    Map<String, Dim> bindings = new LinkedHashMap<>();
    for (var part : parts.entrySet()) {
      for (var v : part.getValue().entrySet()) {
        TensorType want = plan.schema().sample().get(v.getKey());
        int[] shape = v.getValue().shape();
        int[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        boolean fits = want.dtype() == v.getValue().dtype() && want.rank() == sample.length;
        for (int i = 0; fits && i < sample.length; i++) {
          Dim d = want.shape().dim(i);
          if (d.isConstant()) {
            fits = d.constant() == sample[i];
          } else {
            Dim bound = bindings.putIfAbsent(d.symbolName(), Dim.of(sample[i]));
            fits = bound == null || bound.constant() == sample[i];
          }
        }
        if (!fits) {
          throw new DataLoadError(Diagnostic.error(ErrorCode.DATA_SOURCE, plan.source().span(), "`" + v.getKey()
              + "` of `" + part.getKey() + "` is " + v.getValue().dtype() + Arrays.toString(sample)
              + " per sample, but " + plan.source().kind() + "(...) gives " + want)
              .withLabel("while reading this source"));
        }
      }
    }
    return bindings;
  }

  /**
   * Infers the field graph's types again with the file's sizes in place of the schema's symbols,
   * so that a field expression that does not fit the file (a {@code row[0..64]} of a 10-column
   * file) is reported at that expression before anything runs, and checks each field against its
   * declared type. Returns the concrete per-sample type of each field.
   */
  private static Map<String, TensorType> checkFields(DataPlan plan, Map<String, Dim> bindings) throws DataLoadError {
    Graph g = plan.fields();
    if (bindings.isEmpty()) {
      return plan.fieldTypes();
    }
    String given = describe(bindings);
    TensorType[] types = new TensorType[g.nodes().size()];
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.Input in) {
        types[n.id()] = in.type().withShape(in.type().shape().substitute(bindings));
        continue;
      }
      List<TensorType> inputs = new ArrayList<>();
      n.inputs().forEach(i -> inputs.add(types[i]));
      try {
        types[n.id()] = n.op().infer(inputs);
      } catch (ShapeError e) {
        throw new DataLoadError(Diagnostic.error(ErrorCode.DATA_FIELD, n.span(), e.getMessage() + " (with " + given
            + ")").withHelp("the field expressions must fit the file: check the column ranges"));
      }
    }
    Map<String, TensorType> out = new LinkedHashMap<>();
    for (var f : plan.fieldTypes().entrySet()) {
      TensorType actual = types[g.outputs().get(f.getKey())];
      if (!actual.equals(f.getValue())) {
        throw new DataLoadError(Diagnostic.error(ErrorCode.DATA_FIELD, plan.fieldSpans().get(f.getKey()),
            "field `" + f.getKey() + "` is declared " + f.getValue() + " but its expression gives " + actual
                + " per sample (with " + given + ")").withLabel("this is " + actual));
      }
      out.put(f.getKey(), actual);
    }
    return out;
  }

  private static String describe(Map<String, Dim> bindings) {
    StringBuilder sb = new StringBuilder();
    bindings.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append('`').append(k).append("` = ").append(v));
    return sb.append(" from the file").toString();
  }

  /**
   * Reads a source into parts, each a map of per-sample variables with a leading rows axis; a
   * non-finite cell that a field reads without allowing it is an error at that field.
   */
  private static Map<String, Map<String, Tensor>> read(DataPlan plan, Path baseDir, Map<String, RowOrigins> origins)
      throws DataLoadError {
    DataSourceSpec spec = plan.source();
    Path path = baseDir.resolve(spec.path());
    Map<String, Map<String, Tensor>> parts = new LinkedHashMap<>();
    switch (spec.kind()) {
      case "csv" -> {
        boolean header = Boolean.TRUE.equals(spec.options().get("header"));
        NanAllowance allowNan = (NanAllowance) spec.options().get("allow_nan");
        CsvTable table = CsvReader.create().header(header ? CsvReader.Header.PRESENT : CsvReader.Header.ABSENT)
            .allowNonFinite(allowNan.any()).read(path);
        if (allowNan.any() && !allowNan.all()) {
          NonFiniteCells.check(plan, allowNan, table);
        }
        parts.put("rows", Map.of("row", table.values()));
        int[] lines = new int[table.rows()];
        for (int i = 0; i < lines.length; i++) {
          lines[i] = table.lineOf(i);
        }
        origins.put("rows", new RowOrigins(table.file(), true, lines));
      }
      case "mnist" -> {
        for (String[] p : new String[][] {{"train", "train"}, {"test", "t10k"}}) {
          Map<String, Tensor> part = new LinkedHashMap<>();
          part.put("pixels", IdxReader.read(find(path, p[1] + "-images-idx3-ubyte")));
          Path labels = find(path, p[1] + "-labels-idx1-ubyte");
          part.put("label", IdxReader.readLongs(labels));
          parts.put(p[0], part);
          origins.put(p[0], new RowOrigins(labels, false, java.util.stream.IntStream.range(0, part.get("label").dim(0)).toArray()));
        }
      }
      default -> throw new IllegalArgumentException("unknown source " + spec.kind());
    }
    return parts;
  }

  private static Path find(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    return Files.exists(gz) ? gz : dir.resolve(name);
  }
}
