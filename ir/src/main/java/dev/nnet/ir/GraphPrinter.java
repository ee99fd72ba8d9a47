package dev.nnet.ir;

import java.util.stream.Collectors;

/**
 * The stable text form of a graph, one node a line:
 *
 * <pre>
 *   %3 = matmul %1, %2 : [N, 256]    # mlp.nnet:12:5
 * </pre>
 *
 * Golden tests compare this text, so change it only on purpose.
 */
public final class GraphPrinter {
  private GraphPrinter() {}

  public static String print(Graph g) {
    StringBuilder sb = new StringBuilder("graph {\n");
    for (Node n : g.nodes()) {
      String line = "  %" + n.id() + " = " + n.op().text()
          + (n.inputs().isEmpty() ? "" : " " + n.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(", ")))
          + " : " + n.type();
      if (n.span().isKnown()) {
        line = pad(line, 56) + "  # " + fileName(n.span().file()) + ":" + n.span().line() + ":" + n.span().column();
      }
      sb.append(line).append('\n');
    }
    g.outputs().forEach((name, id) -> sb.append("  output ").append(name).append(" = %").append(id).append('\n'));
    return sb.append("}\n").toString();
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
