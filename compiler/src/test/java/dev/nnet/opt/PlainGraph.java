package dev.nnet.opt;

import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.ShapeError;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds test graphs node by node exactly as written: unlike {@link dev.nnet.ir.GraphBuilder} it
 * shares nothing and simplifies nothing, so a test can give a pass the duplicates and redundancies
 * it must remove.
 */
final class PlainGraph {
  static final SourceSpan SPAN = new SourceSpan("test.nnet", 4, 2, 4, 9);

  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Integer> outputs = new LinkedHashMap<>();

  /** Adds {@code op} over nodes {@code inputs}, with {@link #SPAN}; returns its id. */
  int add(Op op, int... inputs) {
    return add(op, SPAN, inputs);
  }

  int add(Op op, SourceSpan span, int... inputs) {
    List<Integer> in = new ArrayList<>();
    List<TensorType> types = new ArrayList<>();
    for (int i : inputs) {
      in.add(i);
      types.add(nodes.get(i).type());
    }
    try {
      nodes.add(new Node(nodes.size(), op, in, op.infer(types), span));
    } catch (ShapeError e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return nodes.size() - 1;
  }

  int input(String name, TensorType type) {
    return add(new Op.Input(name, type));
  }

  int fill(double value, TensorType type) {
    return add(new Op.Fill(value, type));
  }

  int floats(float[] values, int... shape) {
    return add(new Op.Constant(ConstantData.ofFloats(DType.F32, values, shape)));
  }

  PlainGraph output(String name, int id) {
    outputs.put(name, id);
    return this;
  }

  Graph build() {
    return new Graph(nodes, outputs);
  }
}
