package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Signature;
import dev.nnet.ir.TensorType;
import dev.nnet.opt.BatchedGraph;
import dev.nnet.opt.Batching;
import dev.nnet.opt.DeadCode;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.CompiledGraph;
import dev.nnet.runtime.exec.ExecutionError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes a data declaration's fields for every row of a source part. The field graph is written
 * per sample; {@link Batching} turns it into a graph over a chunk of rows, which runs once per
 * chunk ({@link Strategy#chunkRows} rows, so that a large part is never held twice over in
 * intermediates). A field that does not batch (one that draws random numbers) is computed row by
 * row with the per-sample graph, as every field used to be, and gets exactly the same values.
 *
 * <p>Why: loading Fashion-MNIST ran the per-sample graph 60,000 times, seconds of {@code nnet train}'s
 * start-up; batched, it is eight runs of large kernels.
 *
 * <p>Errors are the per-row path's: when a chunk fails (an index out of range in some row), the part
 * is computed again row by row, which reports the first failing row and the field expression.
 */
final class FieldComputation {
  /**
   * How fields are computed: batched in chunks of {@code chunkRows} rows, or all row by row (the
   * reference the batched path is tested against).
   */
  record Strategy(boolean batched, int chunkRows) {
    /** 8,192 rows of 784 floats are 25 MB per value of the batched graph. */
    static final Strategy DEFAULT = batched(8192);
    static final Strategy ROW_BY_ROW = new Strategy(false, 1);

    Strategy {
      if (chunkRows < 1) {
        throw new IllegalArgumentException("a chunk needs at least one row, got " + chunkRows);
      }
    }

    static Strategy batched(int chunkRows) {
      return new Strategy(true, chunkRows);
    }
  }

  private final Backend backend;
  private final DataPlan plan;
  private final Map<String, TensorType> types;
  private final Strategy strategy;
  /** The fields that batch, over a chunk of rows; null when none does. */
  private final CompiledGraph batched;
  /** The per-sample graph of the fields computed row by row; null when none is. */
  private final CompiledGraph rowByRow;
  /** The fields {@link #rowByRow} computes. */
  private final Set<String> rowByRowFields;
  /** The plan's own per-sample graph, as the loader always ran it; compiled when first needed. */
  private CompiledGraph wholePerSample;

  /**
   * Prepares to compute the fields of {@code plan}, of the concrete per-sample {@code types}, on
   * {@code backend}.
   */
  FieldComputation(DataPlan plan, Map<String, TensorType> types, Backend backend, Strategy strategy) {
    this.backend = backend;
    this.plan = plan;
    this.types = types;
    this.strategy = strategy;
    if (!strategy.batched()) {
      this.batched = null;
      this.rowByRow = wholePerSample();
      this.rowByRowFields = types.keySet();
      return;
    }
    Graph perSample = plan.fields();
    BatchedGraph b = Batching.batch(perSample, plan.schema().sample().keySet(), Batching.freshSymbol(perSample, "R"));
    this.batched = b.graph().outputs().isEmpty() ? null : backend.compile(b.graph(), batchSignature(b.graph()));
    this.rowByRow = b.isComplete() ? null : perSampleOf(b.unbatched().keySet());
    this.rowByRowFields = b.unbatched().keySet();
  }

  /** Which fields are computed row by row, because they do not batch (all of them row by row). */
  Set<String> rowByRowFields() {
    return rowByRowFields;
  }

  /** Every field for every row of {@code part} (each source variable with a leading rows axis). */
  Map<String, Tensor> compute(Map<String, Tensor> part) throws DataLoadError {
    int rows = part.values().iterator().next().dim(0);
    Map<String, Tensor> columns = new LinkedHashMap<>();
    for (var e : types.entrySet()) {
      int[] sample = e.getValue().shape().sizes();
      int[] shape = new int[sample.length + 1];
      shape[0] = rows;
      System.arraycopy(sample, 0, shape, 1, sample.length);
      columns.put(e.getKey(), Tensor.zeros(e.getValue().dtype(), shape));
    }
    try {
      if (batched != null) {
        for (int from = 0; from < rows; from += strategy.chunkRows()) {
          int to = Math.min(rows, from + strategy.chunkRows());
          Map<String, Tensor> out;
          try {
            // The batched graph draws no random numbers, so the key is never read.
            out = batched.run(chunkFeeds(batched, part, from, to, rows), from);
          } catch (ExecutionError e) {
            throw new RunFailed(from, to, e);
          }
          // Not recycled: an output may be a feed or share its array with another output.
          for (var e : out.entrySet()) {
            copyRows(e.getValue(), columns.get(e.getKey()), from);
          }
        }
      }
      if (rowByRow != null) {
        computeRowByRow(rowByRow, part, columns);
      }
    } catch (RunFailed failed) {
      throw locate(part, failed);
    }
    return columns;
  }

  /** A run over rows {@code from..to} failed; {@code cause} says why. */
  private static final class RunFailed extends Exception {
    final int from;
    final int to;
    final transient ExecutionError cause;

    RunFailed(int from, int to, ExecutionError cause) {
      super(cause.getMessage(), null, false, false);
      this.from = from;
      this.to = to;
      this.cause = cause;
    }
  }

  /**
   * The error that loading always gave for {@code part}: the plan's per-sample graph run row by
   * row, up to its first failing row, reported with that row and the node's field expression (the
   * message names the node as numbered in that graph, so a batched or cut-down graph would not do).
   * A failed chunk always has such a row; should none fail, the failed run's rows are reported.
   */
  private DataLoadError locate(Map<String, Tensor> part, RunFailed failed) {
    RunFailed first = failed;
    try {
      computeRowByRow(wholePerSample(), part, null);
    } catch (RunFailed e) {
      first = e;
    }
    String rows = first.to - first.from == 1 ? "row " + first.from : "rows " + first.from + ".." + first.to;
    // A node of a std.nn function is reported at the field's call of it, the library line a note.
    dev.nnet.ir.SourceSpan at = first.cause.span();
    Diagnostic d = Diagnostic.error(ErrorCode.DATA_FIELD, at.inUserCode(), rows + ": " + first.cause.detail());
    if (at.caller() != null) {
      d = d.withRelated(at, "inside `" + at.caller().callee() + "`");
    }
    return new DataLoadError(d);
  }

  /**
   * Runs a per-sample graph over every row of {@code part}, copying its outputs into
   * {@code columns} (when not null), one random key per row (its index) as the data's random draws always had.
   */
  private static void computeRowByRow(CompiledGraph graph, Map<String, Tensor> part, Map<String, Tensor> columns)
      throws RunFailed {
    int rows = part.values().iterator().next().dim(0);
    for (int r = 0; r < rows; r++) {
      Map<String, Tensor> result;
      try {
        result = graph.run(chunkFeeds(graph, part, r, r + 1, -1), r); // a row's draws do not depend on the others
      } catch (ExecutionError e) {
        throw new RunFailed(r, r + 1, e);
      }
      if (columns != null) {
        for (var e : result.entrySet()) {
          copyRows(e.getValue(), columns.get(e.getKey()), r);
        }
      }
    }
  }

  /**
   * The feeds of {@code graph}'s inputs: rows {@code from..to} of each source variable, with the
   * rows axis (a batched graph) or without it ({@code rows} = -1, a per-sample graph and one row).
   * A chunk that is the whole part is fed as it is, without a copy.
   */
  private static Map<String, Tensor> chunkFeeds(CompiledGraph graph, Map<String, Tensor> part, int from, int to,
      int rows) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (Signature.InputSlot slot : graph.signature().inputs()) {
      Tensor all = part.get(slot.name());
      if (from == 0 && to == rows) {
        feeds.put(slot.name(), all);
        continue;
      }
      int[] shape = all.shape().clone();
      int n = (int) (Tensor.numel(shape) / shape[0]);
      shape[0] = to - from;
      int[] fed = rows < 0 ? java.util.Arrays.copyOfRange(shape, 1, shape.length) : shape;
      if (all.dtype() == DType.I64) {
        long[] d = new long[(to - from) * n];
        System.arraycopy(all.longs(), from * n, d, 0, d.length);
        feeds.put(slot.name(), Tensor.ofLongs(d, fed));
      } else {
        float[] d = new float[(to - from) * n];
        System.arraycopy(all.floats(), from * n, d, 0, d.length);
        feeds.put(slot.name(), Tensor.of(d, fed));
      }
    }
    return feeds;
  }

  /** Copies {@code values} (one or more rows, with or without the rows axis) into {@code column} from row {@code row}. */
  private static void copyRows(Tensor values, Tensor column, int row) {
    int perRow = (int) (Tensor.numel(column.shape()) / column.dim(0));
    int n = values.size();
    if (column.dtype() == DType.I64) {
      System.arraycopy(values.longs(), 0, column.longs(), row * perRow, n);
    } else {
      System.arraycopy(values.floats(), 0, column.floats(), row * perRow, n);
    }
  }

  private CompiledGraph wholePerSample() {
    if (wholePerSample == null) {
      wholePerSample = backend.compile(plan.fields(), plan.fieldSignature());
    }
    return wholePerSample;
  }

  /**
   * The per-sample graph cut down to {@code fields}. Random draws are counter-based, keyed by the
   * row and each node's salt, so the fields it keeps draw what they drew in the whole graph.
   */
  private CompiledGraph perSampleOf(Set<String> fields) {
    Graph pruned = DeadCode.prune(plan.fields(), fields);
    Set<String> inputs = new java.util.HashSet<>();
    pruned.inputs().forEach(n -> inputs.add(((Op.Input) n.op()).name()));
    Signature full = plan.fieldSignature();
    List<Signature.InputSlot> in = full.inputs().stream().filter(s -> inputs.contains(s.name())).toList();
    List<Signature.OutputSlot> out = full.outputs().stream().filter(s -> fields.contains(s.name())).toList();
    return backend.compile(pruned, new Signature(in, out).validate(pruned));
  }

  /** The batched graph's slots: each source variable it reads is a batch input, each field an output. */
  private static Signature batchSignature(Graph g) {
    List<Signature.InputSlot> in = new ArrayList<>();
    for (Node n : g.inputs()) {
      in.add(new Signature.InputSlot(((Op.Input) n.op()).name(), Signature.InputRole.BATCH, n.type()));
    }
    List<Signature.OutputSlot> out = new ArrayList<>();
    g.outputNodes().forEach((name, n) -> out.add(new Signature.OutputSlot(name, Signature.OutputRole.OUTPUT, n.type(),
        null)));
    return new Signature(in, out).validate(g);
  }
}
