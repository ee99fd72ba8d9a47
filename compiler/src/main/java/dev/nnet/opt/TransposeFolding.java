package dev.nnet.opt;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import java.util.List;

/**
 * Folds transposes into the matmuls around them, so no kernel copies a matrix only to read it
 * transposed: {@code a @ permute(b)} with the last two axes swapped becomes {@code matmul
 * transpose_b a, b} (the {@code x @ w^T} of every Linear layer), and the transpose of a matmul that
 * nothing else reads is computed directly, {@code (op(a) op(b))^T = op(b)^T op(a)^T} (the
 * {@code (x^T dy)^T} of a weight gradient). A transpose other nodes still read stays for them;
 * {@link DeadCode} drops the ones no node reads any more. Scan bodies are folded too, since a
 * recurrent cell's {@code h @ w^T} runs once per step.
 */
public final class TransposeFolding {
  private TransposeFolding() {}

  /** {@code graph} with its last-two-axes transposes folded into matmul transpose flags. */
  public static Graph fold(Graph graph) {
    int[] readers = new int[graph.nodes().size()];
    for (Node n : graph.nodes()) {
      n.inputs().forEach(in -> readers[in]++);
    }
    graph.outputs().values().forEach(id -> readers[id]++);
    GraphRewrite rewrite = new GraphRewrite(graph);
    for (Node n : graph.nodes()) {
      if (n.op() instanceof Op.MatMul mm) {
        foldOperands(n, mm, graph, rewrite);
      } else if (swapsLastTwoAxes(n) && graph.node(n.input(0)).op() instanceof Op.MatMul
          && readers[n.input(0)] == 1) {
        Node product = rewrite.node(rewrite.mapped(n.input(0)));
        Op.MatMul mm = (Op.MatMul) product.op();
        rewrite.replace(n, new Op.MatMul(!mm.transposeB(), !mm.transposeA()),
            List.of(product.input(1), product.input(0)));
      } else if (n.op() instanceof Op.Scan scan) {
        Graph body = DeadCode.eliminate(fold(scan.body()));
        rewrite.replace(n, new Op.Scan(body, scan.carries(), scan.sequences(), scan.consts(), scan.length(),
            scan.reverse()), rewrite.operandIds(n));
      } else {
        rewrite.copy(n);
      }
    }
    return rewrite.finish();
  }

  /** Copies matmul {@code n}, reading each operand that is a transpose from under it instead. */
  private static void foldOperands(Node n, Op.MatMul mm, Graph graph, GraphRewrite rewrite) {
    Node a = graph.node(n.input(0));
    Node b = graph.node(n.input(1));
    boolean foldA = swapsLastTwoAxes(a);
    boolean foldB = swapsLastTwoAxes(b);
    if (!foldA && !foldB) {
      rewrite.copy(n);
      return;
    }
    int newA = rewrite.mapped(foldA ? a.input(0) : a.id());
    int newB = rewrite.mapped(foldB ? b.input(0) : b.id());
    rewrite.replace(n, new Op.MatMul(mm.transposeA() ^ foldA, mm.transposeB() ^ foldB), List.of(newA, newB));
  }

  /** True if {@code node} swaps the last two axes and keeps the others in place. */
  static boolean swapsLastTwoAxes(Node node) {
    if (!(node.op() instanceof Op.Permute p)) {
      return false;
    }
    List<Integer> order = p.order();
    int r = order.size();
    if (r < 2 || order.get(r - 2) != r - 1 || order.get(r - 1) != r - 2) {
      return false;
    }
    for (int i = 0; i < r - 2; i++) {
      if (order.get(i) != i) {
        return false;
      }
    }
    return true;
  }
}
