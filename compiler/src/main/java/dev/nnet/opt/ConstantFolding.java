package dev.nnet.opt;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.TensorType;
import java.util.List;
import java.util.Optional;

/**
 * Constant folding: a node whose operands are all constants or fills becomes a constant or a
 * fill, computed with the scalar semantics the kernels use ({@link dev.nnet.ir.UnaryFn#apply},
 * {@link BinaryFn#apply}, {@link BinaryFn#applyLong}), so folding never changes a result.
 *
 * <p>A value whose elements are all equal stays a {@link Op.Fill} of the node's type, whatever
 * its size: {@code neg(fill 1.0 : [N])} is {@code fill -1.0 : [N]}, and reshapes, expands,
 * permutes, slices and pads of a fill are fills. Other results are materialized as a
 * {@link Op.Constant} only when their shape is concrete and they have at most
 * {@link #LARGEST_FOLDED_CONSTANT} elements: folding must not put a large tensor into the graph
 * that the program computed cheaply. Ops without a folding rule (contractions, indexing, random
 * draws, most windows) are left alone; the dispatch is an {@link OpVisitor}, so a new op must say
 * whether it folds.
 */
public final class ConstantFolding {
  /** The most elements a folded, non-uniform constant may have. */
  public static final int LARGEST_FOLDED_CONSTANT = 1024;

  /** Sums of this many equal f32 values are exact in the double accumulator the reduce kernel uses. */
  private static final long EXACT_SUM_COUNT = 1L << 29;

  private ConstantFolding() {}

  /** {@code graph} with every foldable node replaced by a constant or a fill (operands left for dead-code removal). */
  public static Graph fold(Graph graph) {
    GraphRewrite rewrite = new GraphRewrite(graph);
    for (Node n : graph.nodes()) {
      Optional<Op> folded = n.op().accept(new Folder(n, rewrite.operands(n)));
      if (folded.isPresent()) {
        rewrite.replace(n, folded.get(), List.of());
      } else {
        rewrite.copy(n);
      }
    }
    return rewrite.finish();
  }

  /**
   * An operand whose value is known: all its elements (when it is a constant) and, when they are
   * all equal, that value. Values are kept as the kernels store them (an f32 rounded to float, a
   * bool as 0 or 1), in doubles; i64 constants beyond 2^53 are not treated as known.
   */
  private record Known(TensorType type, Double uniform, double[] elements) {
    static Known of(Node n) {
      if (n.op() instanceof Op.Fill f) {
        return new Known(n.type(), stored(f.value(), n.type().dtype()), null);
      }
      if (!(n.op() instanceof Op.Constant c)) {
        return null;
      }
      ConstantData data = c.value();
      double[] elements = new double[data.size()];
      if (data.dtype() == DType.I64) {
        long[] longs = data.longs();
        for (int i = 0; i < longs.length; i++) {
          if (Math.abs(longs[i]) > 1L << 53) {
            return null;
          }
          elements[i] = longs[i];
        }
      } else {
        float[] floats = data.floats();
        for (int i = 0; i < floats.length; i++) {
          elements[i] = floats[i];
        }
      }
      Double uniform = elements.length > 0 ? elements[0] : null;
      for (double e : elements) {
        if (Double.compare(e, uniform) != 0) {
          uniform = null;
          break;
        }
      }
      return new Known(n.type(), uniform, elements);
    }

    /** The element of this operand that element {@code flat} of a result of {@code outSizes} reads, broadcasting. */
    double at(int[] outSizes, int flat) {
      if (uniform != null) {
        return uniform;
      }
      int[] sizes = type.shape().sizes();
      int offset = outSizes.length - sizes.length;
      int index = 0;
      int stride = 1;
      for (int axis = outSizes.length - 1; axis >= 0; axis--) {
        int coordinate = flat % outSizes[axis];
        flat /= outSizes[axis];
        int own = axis - offset;
        if (own >= 0) {
          if (sizes[own] != 1) {
            index += coordinate * stride;
          }
          stride *= sizes[own];
        }
      }
      return elements[index];
    }
  }

  /** The value a kernel stores for {@code v} in a tensor of {@code dtype}. */
  static double stored(double v, DType dtype) {
    return switch (dtype) {
      case F32 -> (float) v;
      case I64 -> (long) v;
      case BOOL -> v != 0 ? 1 : 0;
    };
  }

  /** One scalar function of an elementwise op. */
  @FunctionalInterface
  private interface Scalar {
    double apply(double[] operands);
  }

  /** The folded op of one node, or empty when the node does not fold. */
  private static final class Folder implements OpVisitor<Optional<Op>> {
    private final Node node;
    private final List<Node> operands;

    Folder(Node node, List<Node> operands) {
      this.node = node;
      this.operands = operands;
    }

    private Known operand(int i) {
      return Known.of(operands.get(i));
    }

    private Optional<Op> fill(double value) {
      return Optional.of(new Op.Fill(stored(value, node.type().dtype()), node.type()));
    }

    /** The operand's value when all its elements are one value, else null. */
    private Double uniformOperand(int i) {
      Known k = operand(i);
      return k == null ? null : k.uniform();
    }

    /** Moves elements without arithmetic: a uniform operand gives a fill of the result type. */
    private Optional<Op> movedUniform() {
      Double v = uniformOperand(0);
      return v == null ? Optional.empty() : fill(v);
    }

    private Optional<Op> elementwise(Scalar f) {
      Known[] known = new Known[operands.size()];
      boolean allUniform = true;
      for (int i = 0; i < known.length; i++) {
        known[i] = operand(i);
        if (known[i] == null) {
          return Optional.empty();
        }
        allUniform &= known[i].uniform() != null;
      }
      DType dtype = node.type().dtype();
      double[] args = new double[known.length];
      try {
        if (allUniform) {
          for (int i = 0; i < known.length; i++) {
            args[i] = known[i].uniform();
          }
          return fill(f.apply(args));
        }
        if (!node.type().shape().isConcrete()) {
          return Optional.empty();
        }
        int[] sizes = node.type().shape().sizes();
        long numel = node.type().shape().numel().constant();
        if (numel > LARGEST_FOLDED_CONSTANT) {
          return Optional.empty();
        }
        int n = (int) numel;
        float[] floats = dtype == DType.I64 ? null : new float[n];
        long[] longs = dtype == DType.I64 ? new long[n] : null;
        for (int e = 0; e < n; e++) {
          for (int i = 0; i < known.length; i++) {
            args[i] = known[i].at(sizes, e);
          }
          double v = stored(f.apply(args), dtype);
          if (longs != null) {
            longs[e] = (long) v;
          } else {
            floats[e] = (float) v;
          }
        }
        return Optional.of(new Op.Constant(longs != null ? ConstantData.ofLongs(longs, sizes)
            : ConstantData.ofFloats(dtype, floats, sizes)));
      } catch (ArithmeticException e) {
        return Optional.empty(); // integer division by zero and the like stay errors at run time
      }
    }

    /** The number of elements reduced into each result element, if known and at least one. */
    private Long reducedCount(List<Integer> axes) {
      Dim count = Dim.of(1);
      for (int a : axes) {
        count = count.times(operands.get(0).type().shape().dim(a));
      }
      return count.isConstant() && count.constant() >= 1 ? count.constant() : null;
    }

    // ---- leaves: already folded --------------------------------------------------------------

    public Optional<Op> input(Op.Input op) {
      return Optional.empty();
    }

    public Optional<Op> parameter(Op.Parameter op) {
      return Optional.empty();
    }

    public Optional<Op> constant(Op.Constant op) {
      return Optional.empty();
    }

    public Optional<Op> fill(Op.Fill op) {
      return Optional.empty();
    }

    public Optional<Op> arange(Op.Arange op) {
      return Optional.empty();
    }

    // ---- elementwise: the scalar semantics -------------------------------------------------

    public Optional<Op> unary(Op.Unary op) {
      return elementwise(a -> op.fn().apply((float) a[0]));
    }

    public Optional<Op> binary(Op.Binary op) {
      if (operands.get(0).type().dtype() == DType.I64) {
        return elementwise(a -> op.fn().applyLong((long) a[0], (long) a[1]));
      }
      return elementwise(a -> op.fn().apply((float) a[0], (float) a[1]));
    }

    public Optional<Op> where(Op.Where op) {
      return elementwise(a -> a[0] != 0 ? a[1] : a[2]);
    }

    public Optional<Op> cast(Op.Cast op) {
      // Storing the value as the target dtype is the conversion: f32 to i64 truncates, anything to bool is "not zero".
      return elementwise(a -> a[0]);
    }

    public Optional<Op> stopGradient(Op.StopGradient op) {
      return elementwise(a -> a[0]);
    }

    // ---- movement: uniform values stay uniform ---------------------------------------------

    public Optional<Op> reshape(Op.Reshape op) {
      Known k = operand(0);
      if (k != null && k.uniform() == null && node.type().shape().isConcrete()) {
        ConstantData data = ((Op.Constant) operands.get(0).op()).value();
        int[] sizes = node.type().shape().sizes();
        return Optional.of(new Op.Constant(data.dtype() == DType.I64 ? ConstantData.ofLongs(data.longs(), sizes)
            : ConstantData.ofFloats(data.dtype(), data.floats(), sizes)));
      }
      return movedUniform();
    }

    public Optional<Op> permute(Op.Permute op) {
      return movedUniform();
    }

    public Optional<Op> expand(Op.Expand op) {
      return movedUniform();
    }

    public Optional<Op> slice(Op.Slice op) {
      return movedUniform();
    }

    public Optional<Op> concat(Op.Concat op) {
      Double first = uniformOperand(0);
      for (int i = 1; i < operands.size(); i++) {
        Double v = uniformOperand(i);
        if (first == null || v == null || Double.compare(first, v) != 0) {
          return Optional.empty();
        }
      }
      return first == null ? Optional.empty() : fill(first);
    }

    public Optional<Op> pad(Op.Pad op) {
      Double v = uniformOperand(0);
      // Reflected, replicated or wrapped cells copy the (uniform) tensor; constant cells are the pad value.
      boolean padsWithOther = switch (op.mode()) {
        case CONSTANT -> Double.compare(stored(op.value(), node.type().dtype()), v == null ? 0 : v) != 0;
        case REFLECT, REPLICATE, CIRCULAR -> false;
      };
      return v == null || padsWithOther ? Optional.empty() : fill(v);
    }

    public Optional<Op> padTranspose(Op.PadTranspose op) {
      // Only the constant mode is a crop; the others add the padded cells back into the edges.
      boolean crop = switch (op.mode()) {
        case CONSTANT -> true;
        case REFLECT, REPLICATE, CIRCULAR -> false;
      };
      return crop ? movedUniform() : Optional.empty();
    }

    public Optional<Op> flip(Op.Flip op) {
      return movedUniform();
    }

    // ---- reductions of uniform values --------------------------------------------------------

    public Optional<Op> reduce(Op.Reduce op) {
      Double v = uniformOperand(0);
      Long count = reducedCount(op.axes());
      if (v == null || count == null) {
        return Optional.empty();
      }
      return switch (op.fn()) {
        case MAX, MEAN -> fill(v);
        case SUM -> count < EXACT_SUM_COUNT ? fill(v * count) : Optional.empty();
      };
    }

    public Optional<Op> argMax(Op.ArgMax op) {
      // All elements tie, and ties go to the first.
      return uniformOperand(0) != null && reducedCount(List.of(op.axis())) != null ? fill(0) : Optional.empty();
    }

    public Optional<Op> window(Op.Window op) {
      boolean max = switch (op.fn()) {
        case MAX -> true;
        case SUM -> false;
      };
      return max ? movedUniform() : Optional.empty();
    }

    public Optional<Op> windowSumTranspose(Op.WindowSumTranspose op) {
      return Optional.empty();
    }

    // ---- no folding rule: each would materialize or needs its kernel -------------------------

    public Optional<Op> matMul(Op.MatMul op) {
      return Optional.empty();
    }

    public Optional<Op> conv(Op.Conv op) {
      return Optional.empty();
    }

    public Optional<Op> convTranspose(Op.ConvTranspose op) {
      return Optional.empty();
    }

    public Optional<Op> convFilterGrad(Op.ConvFilterGrad op) {
      return Optional.empty();
    }

    public Optional<Op> oneHot(Op.OneHot op) {
      return Optional.empty();
    }

    public Optional<Op> gather(Op.Gather op) {
      return Optional.empty();
    }

    public Optional<Op> scatterAdd(Op.ScatterAdd op) {
      return Optional.empty();
    }

    public Optional<Op> windowMaxGrad(Op.WindowMaxGrad op) {
      return Optional.empty();
    }

    public Optional<Op> randomUniform(Op.RandomUniform op) {
      return Optional.empty();
    }

    public Optional<Op> randomNormal(Op.RandomNormal op) {
      return Optional.empty();
    }

    public Optional<Op> randomPermutation(Op.RandomPermutation op) {
      return Optional.empty();
    }

    public Optional<Op> categorical(Op.Categorical op) {
      return Optional.empty(); // constant logits still give a draw per run
    }

    public Optional<Op> scan(Op.Scan op) {
      return Optional.empty(); // a loop is not folded (its body is left as traced)
    }

    public Optional<Op> scanResult(Op.ScanResult op) {
      return Optional.empty();
    }
  }
}
