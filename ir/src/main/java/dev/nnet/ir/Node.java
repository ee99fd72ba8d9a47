package dev.nnet.ir;

import java.util.List;

/**
 * One operation in a {@link Graph}: its op, the ids of its operands (always smaller than its own
 * id, so a graph's node list is in topological order), its inferred type and the .nnet source it
 * came from.
 */
public record Node(int id, Op op, List<Integer> inputs, TensorType type, SourceSpan span) {
  public Node {
    inputs = List.copyOf(inputs);
  }

  public int input(int i) {
    return inputs.get(i);
  }
}
