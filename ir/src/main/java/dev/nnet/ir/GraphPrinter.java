package dev.nnet.ir;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stable text form of a graph, one node a line:
 *
 * <pre>
 *   %3 = matmul %1, %2 : [N, 256]    # mlp.nnet:12:5
 * </pre>
 *
 * Every attribute of every op is printed (constants with all their elements), so that
 * {@link GraphParser} reads the text back into an equal graph; the type after {@code :} is the
 * node's type, which also gives the type of leaves ({@code fill}, {@code input}, random draws).
 * Only the file name of a source span is printed, so dumps do not depend on where the checkout
 * lives. Golden tests compare this text, so change it only on purpose.
 */
public final class GraphPrinter {
  /** The column where a node's {@code # file:line:col} comment starts when the line is shorter. */
  private static final int SPAN_COLUMN = 56;

  private GraphPrinter() {}

  /** The text of {@code g}. */
  public static String print(Graph g) {
    return print(g, Map.of());
  }

  /**
   * The text of {@code g} with a comment line {@code # note} before each node id that {@code notes}
   * maps (fusion groups, for example); {@link GraphParser} skips comment lines.
   */
  public static String print(Graph g, Map<Integer, String> notes) {
    StringBuilder sb = new StringBuilder("graph {\n");
    for (Node n : g.nodes()) {
      String note = notes.get(n.id());
      if (note != null) {
        sb.append("  # ").append(note).append('\n');
      }
      String line = "  %" + n.id() + " = " + opText(n.op())
          + (n.inputs().isEmpty() ? "" : " " + n.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(", ")))
          + " : " + n.type();
      if (n.span().isKnown()) {
        line = pad(line, SPAN_COLUMN) + "  # " + fileName(n.span().file()) + ":" + n.span().line() + ":"
            + n.span().column();
      }
      sb.append(line).append('\n');
    }
    g.outputs().forEach((name, id) -> sb.append("  output ").append(name).append(" = %").append(id).append('\n'));
    return sb.append("}\n").toString();
  }

  /** The op's own text, except constants, whose text in messages is short but here must hold every element. */
  private static String opText(Op op) {
    return op instanceof Op.Constant c ? "const " + elements(c.value()) : op.text();
  }

  /** One element as {@code 2.5}, or all as {@code [1.0, 2.0]}; f32 and bool in float notation, i64 as integers. */
  private static String elements(ConstantData data) {
    // Float.toString is the shortest text that reads back to the same float.
    String[] items = new String[data.size()];
    if (data.dtype() == DType.I64) {
      long[] longs = data.longs();
      for (int i = 0; i < items.length; i++) {
        items[i] = Long.toString(longs[i]);
      }
    } else {
      float[] floats = data.floats();
      for (int i = 0; i < items.length; i++) {
        items[i] = Float.toString(floats[i]);
      }
    }
    return items.length == 1 ? items[0] : "[" + String.join(", ", items) + "]";
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** Only the file name, so dumps do not depend on where the checkout lives. */
  private static String fileName(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }
}
