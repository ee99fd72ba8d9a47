package dev.nnet.backend.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Node;
import dev.nnet.ir.Shape;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * How a fused loop reads one element of an operand from outside the loop, broadcast to the loop's
 * shape, without a division per element. The loop runs over rows of the last dim (flat index
 * {@code base} starts the row, {@code c} is the column); what the read needs is hoisted before
 * the loop ({@code pre}) or to the start of each row ({@code perRow}).
 */
final class BroadcastElement {
  private final DimExpression dims;

  BroadcastElement(DimExpression dims) {
    this.dims = dims;
  }

  /**
   * How the loop reads one element of {@code operand}, broadcast to {@code shape}, in the row that
   * starts at flat index {@code base}, at column {@code c} (a row is the last dim, so no element
   * needs a division): at {@code base + c} when the shapes agree, a hoisted scalar for a
   * one-element operand; when the operand's non-unit dims are one contiguous run of the output's,
   * at {@code rowStart + c} for a run that ends with the last dim ({@code [C]} against
   * {@code [N, C]}) and as a value read once per row for one that ends before it ({@code [N, 1]});
   * else a copy expanded to the full shape.
   */
  String read(Node operand, Shape shape, CodeBlock.Builder pre, CodeBlock.Builder perRow, CodeBlock.Builder post) {
    int id = operand.id();
    boolean longs = operand.type().dtype() == DType.I64;
    String array = longs ? "longs" : "floats";
    String type = GraphClassWriter.javaType(operand.type().dtype());
    Shape s = operand.type().shape();
    if (s.equals(shape)) {
      pre.addStatement("$L[] in$L = v[$L].$L()", type, id, id, array);
      return "in" + id + "[base + c]";
    }
    int rank = shape.rank();
    Dim one = Dim.of(1);
    List<Dim> padded = new ArrayList<>();
    for (int a = 0; a < rank - s.rank(); a++) {
      padded.add(one);
    }
    padded.addAll(s.dims());
    if (padded.stream().allMatch(one::equals)) {
      pre.addStatement("$L s$L = v[$L].$L()[0]", type, id, id, array);
      return "s" + id;
    }
    int first = 0;
    while (padded.get(first).equals(one)) {
      first++;
    }
    int end = rank;
    while (padded.get(end - 1).equals(one)) {
      end--;
    }
    boolean run = true;
    for (int a = first; a < end; a++) {
      run &= padded.get(a).equals(shape.dim(a));
    }
    if (run && s.rank() <= rank) {
      pre.addStatement("$L[] in$L = v[$L].$L()", type, id, id, array);
      String mid = dims.numel(new Shape(shape.dims().subList(first, end)));
      if (end == rank) {
        if (first == 0) {
          return "in" + id + "[base + c]";
        }
        if (first == rank - 1) { // a bias [C]: one row
          return "in" + id + "[c]";
        }
        // Rows of the output repeat the operand every mid / cols rows.
        pre.addStatement("int period$L = Math.max(1, $L / Math.max(1, cols))", id, mid);
        perRow.addStatement("int at$L = row % period$L * cols", id, id);
        return "in" + id + "[at" + id + " + c]";
      }
      String inner = dims.numel(new Shape(shape.dims().subList(end, rank)));
      pre.addStatement("int inner$L = $L", id, inner);
      String index = "base / inner" + id;
      if (first > 0) {
        pre.addStatement("int mid$L = $L", id, mid);
        index = index + " % mid" + id;
      }
      perRow.addStatement("$L r$L = in$L[$L]", type, id, id, index);
      return "r" + id;
    }
    pre.addStatement("$T e$L = $T.expand(v[$L], shape, pool)", Tensor.class, id,
        ClassName.get("dev.nnet.runtime.exec", "MovementKernels"), id);
    pre.addStatement("$L[] in$L = e$L.$L()", type, id, id, array);
    if (!longs) {
      post.addStatement("pool.give(in$L)", id);
    }
    return "in" + id + "[base + c]";
  }
}
