package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.data.CsvReader;
import dev.nnet.runtime.data.Batches;
import dev.nnet.runtime.data.CsvTable;
import dev.nnet.runtime.data.DataError;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.data.IdxReader;
import dev.nnet.runtime.exec.Executor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a {@code data} declaration into data sets. The source is read; each field is an
 * expression over one sample ({@code row} of a CSV, {@code pixels} and {@code label} of an MNIST
 * set), traced once into a small graph, checked against the field's declared type and run for
 * every row; splits are row ranges of the source's parts.
 */
final class DataLowering {
  private DataLowering() {}

  /** The result: one data set per split, and each field's per-sample type. */
  record Loaded(Map<String, Dataset> splits, Map<String, TensorType> fields) {}

  /** {@code rows[0..1200]}: a sub-range of a source part. */
  static Val slicePart(Val.SourcePart p, Expr.Index ix, Scope scope, Tracer tracer) throws CheckError {
    if (ix.items().size() != 1 || !(ix.items().get(0) instanceof Expr.IndexItem.Slice sl)) {
      throw Tracer.error(ErrorCode.DATA_FIELD, ix.span(), "select rows of `" + p.part() + "` with a range such as `"
          + p.part() + "[0..1000]`");
    }
    long size = p.to() - p.from();
    long from = sl.from() == null ? 0 : tracer.intOf(tracer.eval(sl.from(), scope), sl.span());
    long to = sl.to() == null ? size : tracer.intOf(tracer.eval(sl.to(), scope), sl.span());
    from = from < 0 ? from + size : from;
    to = to < 0 ? to + size : to;
    if (from < 0 || to > size || from > to) {
      throw Tracer.error(ErrorCode.DATA_FIELD, sl.span(), "rows " + from + ".." + to + " are out of range: `" + p.part()
          + "` has " + size + " rows here");
    }
    return new Val.SourcePart(p.part(), p.from() + from, p.from() + to);
  }

  static Loaded load(Decl.Data decl, Scope globals, Tracer outer, Path baseDir) throws CheckError {
    Val src = outer.eval(decl.source(), globals);
    if (!(src instanceof Val.Source s)) {
      throw Tracer.error(ErrorCode.DATA_SOURCE, decl.source().span(), "`data " + decl.name()
          + "` needs a source such as `csv(\"file.csv\")` or `mnist(\"dir\")`, got " + src.describe());
    }
    Map<String, Map<String, Tensor>> parts;
    try {
      parts = read(s.spec(), baseDir);
    } catch (DataError e) {
      throw new CheckError(Diagnostic.error(ErrorCode.DATA_SOURCE, decl.source().span(), e.getMessage())
          .withLabel("while reading this source"));
    }
    // Trace the fields over one sample of the first part.
    Map<String, Tensor> firstPart = parts.values().iterator().next();
    GraphBuilder g = new GraphBuilder();
    Tracer tracer = new Tracer(g, false, Map.of());
    Scope scope = new Scope(globals);
    for (var e : firstPart.entrySet()) {
      Tensor t = e.getValue();
      int[] shape = t.shape();
      long[] sample = new long[shape.length - 1];
      for (int i = 1; i < shape.length; i++) {
        sample[i - 1] = shape[i];
      }
      scope.define(e.getKey(), new Val.Tensor(g.input(e.getKey(), new TensorType(t.dtype(), Shape.of(sample))),
          decl.source().span()));
    }
    Map<String, TensorType> fieldTypes = new LinkedHashMap<>();
    for (Decl.DataField f : decl.fields()) {
      Val v = tracer.eval(f.value(), scope);
      if (!(v instanceof Val.Tensor t)) {
        throw Tracer.error(ErrorCode.DATA_FIELD, f.value().span(), "field `" + f.name() + "` must be a tensor, got "
            + v.describe());
      }
      TensorType declared = declaredType(f, tracer, scope);
      if (declared != null && !declared.equals(t.value().type())) {
        throw new CheckError(Diagnostic.error(ErrorCode.DATA_FIELD, f.value().span(), "field `" + f.name()
            + "` is declared " + declared + " but its expression gives " + t.value().type() + " per sample")
            .withLabel("this is " + t.value().type()).withRelated(f.type().span(), "declared " + declared)
            .withHelp(declared.dtype() != t.value().dtype() ? "convert with `cast(..., " + declared.dtype() + ")`"
                : "reshape or index the sample to " + declared.shape()));
      }
      g.output(f.name(), t.value());
      fieldTypes.put(f.name(), t.value().type());
    }
    Graph fieldGraph = g.build();
    Map<String, Dataset> fieldsByPart = new LinkedHashMap<>();
    boolean shuffle = Boolean.TRUE.equals(s.spec().options().get("shuffle"));
    for (var part : parts.entrySet()) {
      Dataset rows = Dataset.of(computeFields(fieldGraph, part.getValue(), fieldTypes));
      if (shuffle) {
        long seed = (Long) s.spec().options().get("seed");
        rows = rows.select(Batches.permutation(rows.size(), new SplittableRandom(seed)));
      }
      fieldsByPart.put(part.getKey(), rows);
    }
    Scope splitScope = new Scope(globals);
    for (var part : fieldsByPart.entrySet()) {
      splitScope.define(part.getKey(), new Val.SourcePart(part.getKey(), 0, part.getValue().size()));
    }
    Map<String, Dataset> splits = new LinkedHashMap<>();
    if (decl.splits().isEmpty()) {
      var first = fieldsByPart.entrySet().iterator().next();
      splits.put("train", first.getValue());
    }
    for (Decl.Split sp : decl.splits()) {
      Val v = tracer.eval(sp.value(), splitScope);
      if (!(v instanceof Val.SourcePart p)) {
        throw Tracer.error(ErrorCode.DATA_FIELD, sp.value().span(), "split `" + sp.name() + "` must be rows of a part ("
            + String.join(", ", fieldsByPart.keySet()) + "), got " + v.describe());
      }
      splits.put(sp.name(), fieldsByPart.get(p.part()).slice((int) p.from(), (int) p.to()));
    }
    return new Loaded(splits, fieldTypes);
  }

  private static TensorType declaredType(Decl.DataField f, Tracer tracer, Scope scope) throws CheckError {
    if (f.type() instanceof TypeRef.Tensor t) {
      DType dtype = t.dtype() == null ? DType.F32 : DType.parse(t.dtype());
      if (dtype == null) {
        throw Tracer.error(ErrorCode.UNKNOWN_NAME, t.span(), "unknown dtype `" + t.dtype() + "`; use f32, i64 or bool");
      }
      return new TensorType(dtype, tracer.evalShape(t, scope));
    }
    if (f.type() instanceof TypeRef.Named n) {
      DType dtype = DType.parse(n.name());
      if (dtype == null) {
        throw Tracer.error(ErrorCode.UNKNOWN_NAME, n.span(), "unknown field type `" + n.name()
            + "`; write a tensor type such as `[64]` or a dtype such as `i64` for a scalar");
      }
      return new TensorType(dtype, Shape.scalar());
    }
    return null;
  }

  /** Runs the per-sample field graph over every row of a part. */
  private static Map<String, Tensor> computeFields(Graph graph, Map<String, Tensor> part, Map<String, TensorType> types) {
    int rows = part.values().iterator().next().dim(0);
    Executor exec = new Executor(graph);
    Map<String, Tensor> out = new LinkedHashMap<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (var e : types.entrySet()) {
      int[] sample = e.getValue().shape().sizes();
      int[] shape = new int[sample.length + 1];
      shape[0] = rows;
      System.arraycopy(sample, 0, shape, 1, sample.length);
      out.put(e.getKey(), Tensor.zeros(e.getValue().dtype(), shape));
      sizes.put(e.getKey(), (int) Tensor.numel(sample));
    }
    SplittableRandom rng = new SplittableRandom(0);
    for (int r = 0; r < rows; r++) {
      Map<String, Tensor> feeds = new LinkedHashMap<>();
      for (var e : part.entrySet()) {
        feeds.put(e.getKey(), row(e.getValue(), r));
      }
      Map<String, Tensor> result = exec.run(feeds, rng);
      for (var e : out.entrySet()) {
        Tensor v = result.get(e.getKey());
        int n = sizes.get(e.getKey());
        if (v.dtype() == DType.I64) {
          System.arraycopy(v.longs(), 0, e.getValue().longs(), r * n, n);
        } else {
          System.arraycopy(v.floats(), 0, e.getValue().floats(), r * n, n);
        }
      }
    }
    return out;
  }

  private static Tensor row(Tensor t, int r) {
    int[] shape = t.shape();
    int[] sample = java.util.Arrays.copyOfRange(shape, 1, shape.length);
    int n = (int) Tensor.numel(sample);
    if (t.dtype() == DType.I64) {
      long[] d = new long[n];
      System.arraycopy(t.longs(), r * n, d, 0, n);
      return Tensor.ofLongs(d, sample);
    }
    float[] d = new float[n];
    System.arraycopy(t.floats(), r * n, d, 0, n);
    return Tensor.of(d, sample);
  }

  /** Reads a source into parts, each a map of per-sample variables with a leading rows axis. */
  private static Map<String, Map<String, Tensor>> read(DataSourceSpec spec, Path baseDir) {
    Path path = baseDir.resolve(spec.path());
    Map<String, Map<String, Tensor>> parts = new LinkedHashMap<>();
    switch (spec.kind()) {
      case "csv" -> {
        boolean header = Boolean.TRUE.equals(spec.options().get("header"));
        CsvTable table = CsvReader.create().header(header ? CsvReader.Header.PRESENT : CsvReader.Header.ABSENT).read(path);
        parts.put("rows", Map.of("row", table.values()));
      }
      case "mnist" -> {
        for (String[] p : new String[][] {{"train", "train"}, {"test", "t10k"}}) {
          Map<String, Tensor> part = new LinkedHashMap<>();
          part.put("pixels", IdxReader.read(find(path, p[1] + "-images-idx3-ubyte")));
          part.put("label", IdxReader.readLongs(find(path, p[1] + "-labels-idx1-ubyte")));
          parts.put(p[0], part);
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

  static List<String> partNames(DataSourceSpec spec) {
    return spec.kind().equals("csv") ? List.of("rows") : new ArrayList<>(List.of("train", "test"));
  }
}
