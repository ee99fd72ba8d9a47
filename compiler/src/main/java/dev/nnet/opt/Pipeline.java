package dev.nnet.opt;

import dev.nnet.ir.Graph;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The optimization passes in their fixed order, repeated until a round changes nothing:
 * {@link ConstantFolding} first (it turns gradient seeds such as {@code neg(fill 1.0)} into
 * fills), then {@link AlgebraicSimplification} (which sees those fills as the ones and zeros of
 * its rules), then {@link TransposeFolding} (which moves the transposes that simplification left
 * into the matmuls that read them), then {@link CommonSubexpressions} (which merges what the passes before it made equal), and
 * {@link DeadCode} last (which drops what the others left unused). Each pass only removes or
 * replaces work, so rounds end quickly; the bound is a guard against a rule pair that undoes each
 * other.
 */
public final class Pipeline {
  /** More rounds than any graph of the examples needs (they settle in two or three). */
  public static final int MAX_ROUNDS = 10;

  private static final List<UnaryOperator<Graph>> PASSES = List.of(
      ConstantFolding::fold, AlgebraicSimplification::simplify, TransposeFolding::fold, CommonSubexpressions::eliminate,
      DeadCode::eliminate);

  private Pipeline() {}

  /** {@code graph} after the passes, repeated until nothing changes or {@link #MAX_ROUNDS} rounds. */
  public static Graph optimize(Graph graph) {
    Graph current = graph;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Graph next = current;
      for (UnaryOperator<Graph> pass : PASSES) {
        next = pass.apply(next);
      }
      if (next.equals(current)) {
        return next;
      }
      current = next;
    }
    return current;
  }
}
