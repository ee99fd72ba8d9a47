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
 * Checks, before a graph runs over a data set, that every data field the graph uses as class
 * indices ({@code one_hot}, as in {@code cross_entropy}) lies in {@code [0, classes)}. Found while
 * a step runs, a bad label could only be named by its batch position and the library line of the
 * {@code one_hot}; found here, the message names the data file and the row's line (or record).
 * One pass over each such column: cheap next to an epoch.
 */
final class ClassIndexCheck {
  private ClassIndexCheck() {}

  /**
   * @param split the split's name, for rows without a known origin
   * @throws dev.nnet.runtime.data.DataError at the first row out of range, when the rows' origins
   *     are known; {@link IllegalArgumentException} naming the split and row otherwise
   */
  static void check(Graph graph, Signature signature, Dataset data, String split) {
    Set<String> fields = signature.inputs(Signature.InputRole.BATCH).stream()
        .map(Signature.InputSlot::name).collect(Collectors.toSet());
    for (Node node : graph.nodes()) {
      if (!(node.op() instanceof Op.OneHot oneHot)) {
        continue;
      }
      Node source = graph.node(node.input(0));
      // Casts and reshapes keep each value (a cast to i64 truncates, as checked below).
      while (source.op() instanceof Op.Cast || source.op() instanceof Op.Reshape || source.op() instanceof Op.StopGradient) {
        source = graph.node(source.input(0));
      }
      if (source.op() instanceof Op.Input input && fields.contains(input.name()) && data.names().contains(input.name())) {
        checkColumn(data, input.name(), oneHot.classes(), node, split);
      }
    }
  }

  private static void checkColumn(Dataset data, String field, long classes, Node oneHot, String split) {
    Tensor column = data.column(field);
    int perRow = data.size() == 0 ? 1 : Math.max(1, column.size() / data.size());
    for (int i = 0; i < column.size(); i++) {
      double v = column.dtype() == DType.I64 ? column.longs()[i] : (long) column.floats()[i];
      if (v >= 0 && v < classes && !Double.isNaN(column.getFlat(i))) {
        continue;
      }
      int row = i / perRow;
      String problem = "`" + field + "` is " + format(column.getFlat(i)) + ", outside the " + classes + " classes [0, " + classes
          + ") that the model's output has (`one_hot` at " + oneHot.span() + "); fix the label, or give the model "
          + "as many outputs as there are classes";
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
