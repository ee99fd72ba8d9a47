package dev.nnet.backend.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.runtime.exec.ExecutionError;
import dev.nnet.runtime.exec.FeedCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The start of a generated run: takes every input and parameter from the feeds, checks its dtype
 * and shape with the reference executor's messages ({@link FeedCheck}), and binds each symbol such
 * as {@code N} to an {@code int} local (its {@link DimExpression#variable}), as the executor's
 * {@code DimBindings} does.
 */
final class FeedBinding {
  private final Graph graph;
  /** Each bound symbol's Java variable, in binding order: filled here, read by the rest of the run. */
  private final Map<String, String> dimVariables;
  private final DimExpression dims;
  /** Where each symbol got its value, for messages: "input `x` dim 0". */
  private final Map<String, String> origins = new HashMap<>();

  FeedBinding(Graph graph, Map<String, String> dimVariables, DimExpression dims) {
    this.graph = graph;
    this.dimVariables = dimVariables;
    this.dims = dims;
  }

  /**
   * Takes and checks every input and parameter, binding each symbol at its first plain occurrence;
   * a dim such as {@code 2*N} whose symbol no plain dim binds is solved for it afterwards, as the
   * reference executor's {@code DimBindings} does.
   */
  void write(MethodSpec.Builder run) {
    List<int[]> deferred = new ArrayList<>(); // {node, axis} of dims with a symbol not yet bound
    for (Node node : graph.nodes()) {
      String name;
      if (node.op() instanceof Op.Input in) {
        name = in.name();
      } else if (node.op() instanceof Op.Parameter p) {
        name = p.name();
      } else {
        continue;
      }
      String what = feedName(node);
      Shape declared = node.type().shape();
      run.addStatement("at[0] = $L", node.id());
      run.addCode("v[$L] = $T.take(feeds, $S, $S, $T.$L, $L, $S); // $L\n", node.id(), FeedCheck.class, name, what,
          DType.class, node.type().dtype().name(), declared.rank(), declared.toString(), GraphClassWriter.where(node).trim());
      for (int axis = 0; axis < declared.rank(); axis++) {
        Dim d = declared.dim(axis);
        String symbol = d.symbolName();
        if (symbol != null && !dimVariables.containsKey(symbol)) {
          String var = DimExpression.variable(symbol);
          dimVariables.put(symbol, var);
          origins.put(symbol, what + " dim " + axis);
          run.addStatement("int $L = v[$L].dim($L)", var, node.id(), axis);
        } else if (dimVariables.keySet().containsAll(d.symbols())) {
          dimCheck(run, node, axis, what);
        } else {
          deferred.add(new int[] {node.id(), axis});
        }
      }
    }
    for (int[] at : deferred) {
      solveDim(run, graph.node(at[0]), at[1]);
    }
  }

  /** What a fed node is called in messages: "input `x`", "parameter `w`", "state `mean`". */
  private static String feedName(Node node) {
    if (node.op() instanceof Op.Parameter p) {
      return (p.trainable() ? "parameter" : "state") + " `" + p.name() + "`";
    }
    return "input `" + ((Op.Input) node.op()).name() + "`";
  }

  /** Checks dim {@code axis} of a feed whose symbols are all bound, with the executor's wording. */
  private void dimCheck(MethodSpec.Builder run, Node node, int axis, String what) {
    Dim d = node.type().shape().dim(axis);
    // The message is built only when the check fails: the reference executor's wording.
    CodeBlock.Builder text = CodeBlock.builder().add("$S", d.toString());
    if (!d.isConstant()) {
      text.add(" + $S + ($L)", " = ", dims.of(d));
      String sep = " (";
      for (String sym : d.symbols()) {
        text.add(" + $S + $L + $S", sep + sym + " = ", dimVariables.get(sym), " from " + origins.get(sym));
        sep = ", ";
      }
      text.add(" + $S", ")");
    }
    run.beginControlFlow("if (v[$L].dim($L) != $L)", node.id(), axis, dims.of(d));
    run.addStatement("throw $T.mismatch(v[$L], $S, $S, $L, $L)", FeedCheck.class, node.id(), what,
        node.type().shape().toString(), axis, text.build());
    run.endControlFlow();
  }

  /**
   * Binds the one unknown symbol {@code s} of a dim such as {@code 2*N + 1} from the fed size:
   * {@code s = (size - d(s=0)) / (d(s=1) - d(s=0))} when that divides, then checks the dim (so a dim
   * that is not linear in {@code s} fails the check, as in the executor).
   */
  private void solveDim(MethodSpec.Builder run, Node node, int axis) {
    Dim d = node.type().shape().dim(axis);
    String what = feedName(node);
    List<String> unknown = d.symbols().stream().filter(s -> !dimVariables.containsKey(s)).toList();
    if (unknown.size() > 1) {
      throw new JavaBackendError(GraphClassWriter.where(node) + "the java backend cannot find " + unknown + " from dim " + axis + " (`"
          + d + "`) of " + what + ": give one of them a dimension of its own in some input");
    }
    if (!unknown.isEmpty()) {
      String s = unknown.get(0);
      String var = DimExpression.variable(s);
      String atZero = dims.of(d.substitute(Map.of(s, Dim.of(0))));
      String atOne = dims.of(d.substitute(Map.of(s, Dim.of(1))));
      run.addStatement("at[0] = $L", node.id());
      run.addStatement("int $L", var);
      run.addCode("{ // $L from $L dim $L = $L\n$>", s, what, axis, d);
      run.addStatement("int offset = $L, slope = ($L) - offset, size = v[$L].dim($L)", atZero, atOne, node.id(), axis);
      run.beginControlFlow("if (slope == 0 || (size - offset) % slope != 0)");
      run.addStatement("throw new $T($S + size)", ExecutionError.class,
          what + " has shape " + node.type().shape() + ": cannot find " + unknown + " from dim " + axis + " = ");
      run.endControlFlow();
      run.addStatement("$L = (size - offset) / slope", var);
      run.addCode("$<}\n");
      dimVariables.put(s, var);
      origins.put(s, what + " dim " + axis);
    }
    dimCheck(run, node, axis, what);
  }
}
