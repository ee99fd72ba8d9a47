package dev.nnet.opt;

import dev.nnet.ir.ConstantData;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.UnaryFn;
import java.util.ArrayList;
import java.util.List;

/**
 * Algebraic simplification: rewrites that remove work without changing a result.
 *
 * <ul>
 *   <li>{@code x * 1}, {@code 1 * x}, {@code x + 0}, {@code 0 + x}, {@code x - 0}, {@code x / 1} are
 *       {@code x} (when broadcasting does not make the result larger than {@code x}; {@code x + 0}
 *       turns a -0.0 into +0.0, which no later op can tell apart except by dividing by it);
 *   <li>{@code neg(neg(x))} is {@code x}; {@code where(c, x, x)} is {@code x} when {@code c} does not
 *       broadcast it; a second {@code stop_gradient} is no-op;
 *   <li>a cast to the operand's dtype, an expand or a reshape to the operand's shape, and a
 *       permute in identity order are the operand;
 *   <li>an {@code expand} feeding a binary op or {@code where} is dropped when the op's own
 *       broadcasting gives the same result (the expand would copy what the loop can index);
 *   <li>a reshape of a reshape is one reshape; a permute of a permute is one permute, or the
 *       original tensor when the second undoes the first (the gradient of {@code w^T} transposes
 *       it back), so no transpose is copied twice.
 * </ul>
 *
 * A new node keeps the span of the node it replaces. The dispatch is an {@link OpVisitor}, so a
 * new op must say whether it has rules.
 */
public final class AlgebraicSimplification {
  private AlgebraicSimplification() {}

  /** {@code graph} with every rule applied once at each node, in node order (so chains collapse in one call). */
  public static Graph simplify(Graph graph) {
    GraphRewrite rewrite = new GraphRewrite(graph);
    for (Node n : graph.nodes()) {
      Rewrite r = n.op().accept(new Rules(n, rewrite));
      if (r instanceof Rewrite.Use use) {
        rewrite.forward(n, use.id());
      } else if (r instanceof Rewrite.Replace replace) {
        rewrite.replace(n, replace.op(), replace.inputs());
      } else {
        rewrite.copy(n);
      }
    }
    return rewrite.finish();
  }

  /** What a rule says of a node. */
  private sealed interface Rewrite {
    /** No rule applies. */
    record Keep() implements Rewrite {}

    /** The value is already computed by new node {@code id}. */
    record Use(int id) implements Rewrite {}

    /** Compute the value with {@code op} over new nodes {@code inputs} instead. */
    record Replace(Op op, List<Integer> inputs) implements Rewrite {}
  }

  private static final Rewrite KEEP = new Rewrite.Keep();

  /** The rules of each op, looking at the node's operands in the new graph. */
  private static final class Rules implements OpVisitor<Rewrite> {
    private final Node node;
    private final GraphRewrite rewrite;
    private final List<Integer> in;

    Rules(Node node, GraphRewrite rewrite) {
      this.node = node;
      this.rewrite = rewrite;
      this.in = rewrite.operandIds(node);
    }

    private Node operand(int i) {
      return rewrite.node(in.get(i));
    }

    /** Operand {@code i} itself, when it has the node's type (so broadcasting would not have grown it). */
    private Rewrite useOperandIfSameType(int i) {
      return operand(i).type().equals(node.type()) ? new Rewrite.Use(in.get(i)) : KEEP;
    }

    /** True if every element of operand {@code i} is {@code value} (a fill, or a constant of equal elements). */
    private boolean isAll(int i, double value) {
      Op op = operand(i).op();
      if (op instanceof Op.Fill f) {
        return ConstantFolding.stored(f.value(), operand(i).type().dtype()) == value;
      }
      if (op instanceof Op.Constant c) {
        ConstantData data = c.value();
        for (int e = 0; e < data.size(); e++) {
          if (data.get(e) != value) {
            return false;
          }
        }
        return data.size() > 0;
      }
      return false;
    }

    public Rewrite binary(Op.Binary op) {
      Rewrite r = switch (op.fn()) {
        case ADD -> either(isAll(1, 0) ? useOperandIfSameType(0) : KEEP, isAll(0, 0) ? useOperandIfSameType(1) : KEEP);
        case SUB -> isAll(1, 0) ? useOperandIfSameType(0) : KEEP;
        case MUL -> either(isAll(1, 1) ? useOperandIfSameType(0) : KEEP, isAll(0, 1) ? useOperandIfSameType(1) : KEEP);
        case DIV -> isAll(1, 1) ? useOperandIfSameType(0) : KEEP;
        case POW, MAX, MIN, LT, LE, GT, GE, EQ, NE, AND, OR -> KEEP;
      };
      return either(r, withoutExpands(op));
    }

    /**
     * The node with each operand that is an {@code expand} replaced by the expand's source, when
     * the node's own broadcasting gives the same result type: the expand would only copy.
     */
    private Rewrite withoutExpands(Op op) {
      List<Integer> sources = new ArrayList<>(in);
      boolean changed = false;
      for (int i = 0; i < sources.size(); i++) {
        if (operand(i).op() instanceof Op.Expand) {
          List<Integer> tried = new ArrayList<>(sources);
          tried.set(i, operand(i).input(0));
          if (typeOf(op, tried).equals(node.type())) {
            sources = tried;
            changed = true;
          }
        }
      }
      return changed ? new Rewrite.Replace(op, sources) : KEEP;
    }

    private TensorType typeOf(Op op, List<Integer> inputs) {
      try {
        return op.infer(inputs.stream().map(i -> rewrite.node(i).type()).toList());
      } catch (ShapeError e) {
        return null;
      }
    }

    private static Rewrite either(Rewrite first, Rewrite second) {
      return first != KEEP ? first : second;
    }

    public Rewrite unary(Op.Unary op) {
      if (op.fn() == UnaryFn.NEG && operand(0).op() instanceof Op.Unary inner && inner.fn() == UnaryFn.NEG) {
        return new Rewrite.Use(operand(0).input(0));
      }
      return KEEP;
    }

    public Rewrite where(Op.Where op) {
      return either(in.get(1).equals(in.get(2)) ? useOperandIfSameType(1) : KEEP, withoutExpands(op));
    }

    public Rewrite cast(Op.Cast op) {
      return useOperandIfSameType(0); // the same type means the same dtype: an identity cast
    }

    public Rewrite stopGradient(Op.StopGradient op) {
      return operand(0).op() instanceof Op.StopGradient ? new Rewrite.Use(in.get(0)) : KEEP;
    }

    public Rewrite reshape(Op.Reshape op) {
      if (operand(0).type().equals(node.type())) {
        return new Rewrite.Use(in.get(0));
      }
      if (operand(0).op() instanceof Op.Reshape) {
        int source = operand(0).input(0);
        return rewrite.node(source).type().equals(node.type()) ? new Rewrite.Use(source)
            : new Rewrite.Replace(op, List.of(source));
      }
      return KEEP;
    }

    public Rewrite expand(Op.Expand op) {
      return useOperandIfSameType(0);
    }

    public Rewrite permute(Op.Permute op) {
      List<Integer> order = op.order();
      if (operand(0).op() instanceof Op.Permute first) {
        // x = permute(y, o) puts axis o[j] of y at j; permuting x by q puts axis o[q[i]] of y at i.
        List<Integer> composed = new ArrayList<>();
        for (int q : order) {
          composed.add(first.order().get(q));
        }
        int source = operand(0).input(0);
        return isIdentity(composed) ? new Rewrite.Use(source) : new Rewrite.Replace(new Op.Permute(composed), List.of(source));
      }
      return isIdentity(order) ? new Rewrite.Use(in.get(0)) : KEEP;
    }

    private static boolean isIdentity(List<Integer> order) {
      for (int i = 0; i < order.size(); i++) {
        if (order.get(i) != i) {
          return false;
        }
      }
      return true;
    }

    // ---- no rules ------------------------------------------------------------------------------

    public Rewrite input(Op.Input op) {
      return KEEP;
    }

    public Rewrite parameter(Op.Parameter op) {
      return KEEP;
    }

    public Rewrite constant(Op.Constant op) {
      return KEEP;
    }

    public Rewrite fill(Op.Fill op) {
      return KEEP;
    }

    public Rewrite arange(Op.Arange op) {
      return KEEP;
    }

    public Rewrite slice(Op.Slice op) {
      return KEEP;
    }

    public Rewrite concat(Op.Concat op) {
      return KEEP;
    }

    public Rewrite pad(Op.Pad op) {
      return KEEP;
    }

    public Rewrite padTranspose(Op.PadTranspose op) {
      return KEEP;
    }

    public Rewrite flip(Op.Flip op) {
      return KEEP;
    }

    public Rewrite reduce(Op.Reduce op) {
      return KEEP;
    }

    public Rewrite argMax(Op.ArgMax op) {
      return KEEP;
    }

    public Rewrite window(Op.Window op) {
      return KEEP;
    }

    public Rewrite windowSumTranspose(Op.WindowSumTranspose op) {
      return KEEP;
    }

    public Rewrite matMul(Op.MatMul op) {
      return KEEP;
    }

    public Rewrite conv(Op.Conv op) {
      return KEEP;
    }

    public Rewrite convTranspose(Op.ConvTranspose op) {
      return KEEP;
    }

    public Rewrite convFilterGrad(Op.ConvFilterGrad op) {
      return KEEP;
    }

    public Rewrite oneHot(Op.OneHot op) {
      return KEEP;
    }

    public Rewrite gather(Op.Gather op) {
      return KEEP;
    }

    public Rewrite scatterAdd(Op.ScatterAdd op) {
      return KEEP;
    }

    public Rewrite windowMaxGrad(Op.WindowMaxGrad op) {
      return KEEP;
    }

    public Rewrite randomUniform(Op.RandomUniform op) {
      return KEEP;
    }

    public Rewrite randomNormal(Op.RandomNormal op) {
      return KEEP;
    }

    public Rewrite randomPermutation(Op.RandomPermutation op) {
      return KEEP;
    }

    public Rewrite categorical(Op.Categorical op) {
      return KEEP;
    }

    public Rewrite scan(Op.Scan op) {
      return KEEP;
    }

    public Rewrite scanResult(Op.ScanResult op) {
      return KEEP;
    }
  }
}
