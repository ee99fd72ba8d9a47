package dev.nnet.opt;

import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subexpression elimination by hash-consing: a node with the same op (equal attributes) and
 * the same operands as an earlier node is that node. Constants are equal when their dtype, shape
 * and elements are (bit for bit, so {@code -0.0} and {@code 0.0} stay apart). Random draws are
 * never merged: two dropout masks must differ even when they are declared alike.
 *
 * <p>The {@link dev.nnet.ir.GraphBuilder} also shares equal nodes while the program is traced,
 * which keeps gradient graphs small as they are built; this pass finds what other passes expose
 * (two folds to the same fill, two reshapes that became equal).
 */
public final class CommonSubexpressions {
  private CommonSubexpressions() {}

  /** True if a loop body draws random numbers: two such loops give different values. */
  private static boolean drawsRandom(Graph body) {
    return body.nodes().stream().anyMatch(n -> n.op() instanceof Op.Random
        || n.op() instanceof Op.Scan inner && drawsRandom(inner.body()));
  }

  /** {@code graph} with each repeated computation replaced by its first occurrence. */
  public static Graph eliminate(Graph graph) {
    GraphRewrite rewrite = new GraphRewrite(graph);
    Map<List<Object>, Integer> seen = new HashMap<>();
    for (Node n : graph.nodes()) {
      List<Integer> inputs = rewrite.operandIds(n);
      if (n.op() instanceof Op.Random || n.op() instanceof Op.Scan scan && drawsRandom(scan.body())) {
        rewrite.copy(n);
        continue;
      }
      List<Object> key = List.of(opKey(n.op()), inputs);
      Integer earlier = seen.get(key);
      if (earlier != null && rewrite.node(earlier).type().equals(n.type())) {
        rewrite.forward(n, earlier);
      } else {
        seen.put(key, rewrite.copy(n));
      }
    }
    return rewrite.finish();
  }

  /** What makes two ops equal: the op record itself, except constants, which compare by content. */
  private static Object opKey(Op op) {
    return op instanceof Op.Constant c ? new Content(c.value()) : op;
  }

  /** A constant's dtype, shape and element bits, compared by value. */
  private static final class Content {
    private final DType dtype;
    private final int[] shape;
    private final long[] bits;

    Content(ConstantData data) {
      this.dtype = data.dtype();
      this.shape = data.shape();
      if (dtype == DType.I64) {
        this.bits = data.longs();
      } else {
        float[] f = data.floats();
        this.bits = new long[f.length];
        for (int i = 0; i < f.length; i++) {
          bits[i] = Float.floatToIntBits(f[i]);
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Content c && c.dtype == dtype && Arrays.equals(c.shape, shape) && Arrays.equals(c.bits, bits);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(bits);
    }
  }
}
