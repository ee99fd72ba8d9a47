package dev.nnet.runtime.train;

import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.data.Dataset;
import dev.nnet.runtime.data.RowOrigins;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks, before a graph runs over a data set, that every data field the graph uses as indices
 * lies in range: class indices of a {@code one_hot} (as in {@code cross_entropy}) in {@code [0,
 * classes)}, row indices of a {@code gather} (as in {@code Embedding}) in {@code [0, rows)}. Found
 * while a step runs, a bad label could only be named by its batch position and the library line of
 * the op; found here, the message names the data file and the row's line (or record). One pass
 * over each such column: cheap next to an epoch.
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
      checkColumn(data, input.name(), bound, unit, whose, user, split);
    }
  }

  private static void checkColumn(Dataset data, String field, long bound, String unit, String whose, Node user, String split) {
    Tensor column = data.column(field);
    int perRow = data.size() == 0 ? 1 : Math.max(1, column.size() / data.size());
    for (int i = 0; i < column.size(); i++) {
      double v = column.dtype() == DType.I64 ? column.longs()[i] : (long) column.floats()[i];
      if (v >= 0 && v < bound && !Double.isNaN(column.getFlat(i))) {
        continue;
      }
      int row = i / perRow;
      String problem = "`" + field + "` is " + format(column.getFlat(i)) + ", outside the " + bound + " " + unit + " [0, " + bound
          + ") " + whose + " (`" + user.op().text().split(" ")[0] + "` at " + user.span() + "); fix the data, or size the model for "
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
