package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.runtime.data.CsvTable;
import dev.nnet.runtime.data.DataError;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * When a CSV source's {@code allow_nan} names fields, checks each NaN or infinite cell as the file
 * is loaded: every field that reads the cell's column must be one of those named. Which columns a
 * field reads is read off the field graph: a slice of {@code row} along its axis reads that range
 * (what {@code row[3]} and {@code row[0..64]} trace to), and any other value reads what its operands
 * read. So a cell in a column that only allowed fields read (or none) passes, and any other is a
 * located error naming the file, line, column and field.
 */
final class NonFiniteCells {
  private NonFiniteCells() {}

  /** Checks {@code table}, the part {@code rows} of {@code plan}'s CSV source, against {@code allowance}. */
  static void check(DataPlan plan, NanAllowance allowance, CsvTable table) throws DataLoadError {
    Map<String, BitSet> reads = columnsRead(plan.fields(), table.columns());
    float[] cells = table.values().floats();
    int columns = table.columns();
    for (int r = 0; r < table.rows(); r++) {
      for (int c = 0; c < columns; c++) {
        float v = cells[r * columns + c];
        if (Float.isFinite(v)) {
          continue;
        }
        for (var field : reads.entrySet()) {
          if (field.getValue().get(c) && !allowance.allows(field.getKey())) {
            throw notAllowed(plan, allowance, table, r, c, v, field.getKey());
          }
        }
      }
    }
  }

  private static DataLoadError notAllowed(DataPlan plan, NanAllowance allowance, CsvTable table, int row, int column,
      float value, String field) {
    boolean named = column < table.header().size();
    String where = "column " + (column + 1) + (named ? " (\"" + table.header().get(column) + "\")" : "");
    String problem = "the cell in " + where + " is " + (Float.isNaN(value) ? "NaN" : value > 0 ? "inf" : "-inf")
        + ", and field `" + field + "` reads that column but is not in `allow_nan`";
    List<String> allowed = new ArrayList<>(allowance.fields());
    allowed.add(field);
    String list = "[" + String.join(", ", allowed.stream().map(f -> "\"" + f + "\"").toList()) + "]";
    return new DataLoadError(Diagnostic.error(ErrorCode.DATA_FIELD, plan.fieldSpans().get(field),
            DataError.at(table.file(), table.lineOf(row), 0, problem).getMessage())
        .withLabel("`" + field + "` reads " + where)
        .withRelated(allowance.at(), "allows NaN in " + String.join(", ", allowance.fields()))
        .withHelp("fill the hole in the data, or let the field read it: `allow_nan = " + list + "`"));
  }

  /** The columns of {@code row} (of {@code columns} cells) that each field's value depends on. */
  static Map<String, BitSet> columnsRead(Graph g, int columns) {
    BitSet[] reads = new BitSet[g.nodes().size()];
    for (Node n : g.nodes()) {
      BitSet b = new BitSet();
      if (n.op() instanceof Op.Input in) {
        if (in.name().equals(SourceSchema.CSV_ROW)) {
          b.set(0, columns);
        }
      } else if (n.op() instanceof Op.Slice s && s.axis() == 0 && isRow(g.node(n.input(0)))) {
        // The only op that narrows which cells a value reads; any other value reads all its operands read.
        if (s.start() < 0 || s.step() < 1) {
          b.set(0, columns);
        } else {
          for (long c = s.start(); c < Math.min(s.end(), columns); c += s.step()) {
            b.set((int) c);
          }
        }
      } else {
        for (int i : n.inputs()) {
          b.or(reads[i]);
        }
      }
      reads[n.id()] = b;
    }
    Map<String, BitSet> byField = new java.util.LinkedHashMap<>();
    g.outputs().forEach((name, id) -> byField.put(name, reads[id]));
    return byField;
  }

  private static boolean isRow(Node n) {
    return n.op() instanceof Op.Input in && in.name().equals(SourceSchema.CSV_ROW);
  }
}
