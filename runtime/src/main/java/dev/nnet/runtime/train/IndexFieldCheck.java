package dev.nnet.runtime.train;

import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Signature;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.data.RowOrigins;
import dev.nnet.runtime.interpreter.Executor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks, before a graph runs over a data set, that every data field the graph uses as indices
 * lies in range: class indices of a {@code one_hot} (as in {@code cross_entropy}) in {@code [0,
 * classes)}, row indices of a {@code gather} (as in {@code Embedding}) in {@code [0, rows)}. A
 * field used directly (through casts and reshapes) is checked as it is; indices computed from
 * fields and constants, row by row ({@code y - 1}, {@code cast(y * 2, i64)}: see {@link RowwiseOp}),
 * are computed for the whole column first. Found while a step runs, a bad label could only be named
 * by its batch position; found here, the message names the data file and the row's line (or
 * record), and the user's line of the op (the call of {@code cross_entropy}, not std.nn's line).
 * One pass over each such column: cheap next to an epoch.
 */
final class IndexFieldCheck {
  private IndexFieldCheck() {}

  /**
   * @param split the split's name, for rows without a known origin
   * @throws dev.nnet.runtime.data.DataError at the first row out of range, when the rows' origins
   *     are known; {@link IllegalArgumentException} naming the split and row otherwise
   */
  static void check(Graph graph, Signature signature, Dataset data, String split) {
    Set<String> fields = signature.inputs(Signature.InputRole.BATCH).stream()
        .map(Signature.InputSlot::name).collect(Collectors.toSet());
    for (Node node : graph.nodes()) {
      if (node.op() instanceof Op.OneHot oneHot) {
        checkField(graph, node.input(0), fields, data, oneHot.classes(), "classes", "that the model's output has", node, split);
      } else if (node.op() instanceof Op.Gather) {
        var rows = graph.node(node.input(0)).type().shape().dim(0);
        if (rows.isConstant()) {
          checkField(graph, node.input(1), fields, data, rows.constant(), "rows", "of the table it indexes", node, split);
        }
      }
    }
  }

  private static void checkField(Graph graph, int operand, Set<String> fields, Dataset data, long bound, String unit,
      String whose, Node user, String split) {
    Node source = graph.node(operand);
    // Casts and reshapes keep each value (a cast to i64 truncates, as checked below).
    while (source.op() instanceof Op.Cast || source.op() instanceof Op.Reshape || source.op() instanceof Op.StopGradient) {
      source = graph.node(source.input(0));
    }
    if (source.op() instanceof Op.Input input && fields.contains(input.name()) && data.names().contains(input.name())) {
      Tensor column = data.column(input.name());
      checkColumn(data, input.name(), column, null, bound, unit, whose, user, split);
      return;
    }
    // Arithmetic of fields and constants, row by row (`y - 1`): computed over the whole columns here, so
    // that a bad row is found before training, with its file and line, rather than inside the kernel.
    List<String> used = rowwiseFields(graph, operand, fields, data);
    if (used != null) {
      Map<String, Tensor> feeds = new LinkedHashMap<>();
      used.forEach(name -> feeds.put(name, data.column(name)));
      Tensor indices = new Executor(subgraph(graph, operand)).run(feeds, 0L).get("index");
      checkColumn(data, null, null, new Computed(indices, used, graph.node(operand).span()), bound, unit, whose, user,
          split);
    }
  }

  /**
   * Indices computed from data fields: {@code values}, one row per row of the data, computed from
   * {@code fields} by the expression at {@code at}.
   */
  private record Computed(Tensor values, List<String> fields, SourceSpan at) {}

  /**
   * The data fields that the value {@code operand} is computed from, row by row with constants
   * ({@link RowwiseOp}), keeping the fields' rows as its leading axis; null when it is not such a value.
   */
  private static List<String> rowwiseFields(Graph graph, int operand, Set<String> fields, Dataset data) {
    List<Node> used = new ArrayList<>();
    for (int id : ancestors(graph, operand)) {
      Node n = graph.node(id);
      if (!n.op().accept(RowwiseOp.INSTANCE)) {
        return null;
      }
      if (n.op() instanceof Op.Input in) {
        if (!fields.contains(in.name()) || !data.names().contains(in.name())) {
          return null;
        }
        used.add(n);
      }
    }
    TensorType result = graph.node(operand).type();
    for (Node field : used) {
      boolean rowsLead = field.type().rank() > 0 && result.rank() > 0
          && result.shape().dim(0).equals(field.type().shape().dim(0));
      if (!rowsLead) {
        return null;
      }
    }
    return used.isEmpty() ? null : used.stream().map(n -> ((Op.Input) n.op()).name()).toList();
  }

  /** The nodes {@code id} depends on, itself included, in increasing order. */
  private static SortedSet<Integer> ancestors(Graph graph, int id) {
    SortedSet<Integer> seen = new TreeSet<>();
    Deque<Integer> todo = new ArrayDeque<>(List.of(id));
    while (!todo.isEmpty()) {
      int n = todo.pop();
      if (seen.add(n)) {
        todo.addAll(graph.node(n).inputs());
      }
    }
    return seen;
  }

  /** The graph of what {@code id} depends on, renumbered, with {@code id} as its output {@code index}. */
  private static Graph subgraph(Graph graph, int id) {
    Map<Integer, Integer> renumbered = new HashMap<>();
    List<Node> nodes = new ArrayList<>();
    for (int old : ancestors(graph, id)) {
      Node n = graph.node(old);
      List<Integer> inputs = n.inputs().stream().map(renumbered::get).toList();
      renumbered.put(old, nodes.size());
      nodes.add(new Node(nodes.size(), n.op(), inputs, n.type(), n.span()));
    }
    return new Graph(nodes, Map.of("index", renumbered.get(id)));
  }

  /**
   * Checks the indices of {@code field} ({@code column}), or those computed from fields when
   * {@code computed} is not null, against {@code bound}; the first out of range is an error at its row.
   */
  private static void checkColumn(Dataset data, String field, Tensor column, Computed computed, long bound, String unit,
      String whose, Node user, String split) {
    Tensor indices = computed == null ? column : computed.values();
    int perRow = data.size() == 0 ? 1 : Math.max(1, indices.size() / data.size());
    for (int i = 0; i < indices.size(); i++) {
      double v = indices.dtype() == DType.I64 ? indices.longs()[i] : (long) indices.floats()[i];
      if (v >= 0 && v < bound && !Double.isNaN(indices.getFlat(i))) {
        continue;
      }
      int row = i / perRow;
      String value;
      if (computed == null) {
        value = "`" + field + "` is " + format(column.getFlat(i));
      } else {
        List<String> read = new ArrayList<>();
        for (String name : computed.fields()) {
          // A field's own value when it has one element per index (the usual label column).
          Tensor c = data.column(name);
          read.add("`" + name + "` is " + (c.size() == indices.size() ? format(c.getFlat(i)) : "as read"));
        }
        value = String.join(" and ", read) + ", which make" + (read.size() == 1 ? "s" : "") + " the index "
            + format(indices.getFlat(i)) + " (computed at " + computed.at().describe() + ")";
      }
      String problem = value + ", outside the " + bound + " " + unit + " [0, " + bound + ") " + whose + " (`"
          + user.op().text().split(" ")[0] + "` at " + user.span().describe() + "); fix the data, or size the model for "
          + "every value it holds";
      RowOrigins origins = data.origins();
      if (origins != null) {
        throw origins.error(row, problem);
      }
      throw new IllegalArgumentException("row " + row + " of the `" + split + "` split: " + problem);
    }
  }

  private static String format(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
