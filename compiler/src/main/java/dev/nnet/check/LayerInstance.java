package dev.nnet.check;

import dev.nnet.front.ast.Decl;
import dev.nnet.ir.Graph;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer definition applied to its hyperparameters: {@code fc1 = Linear(784, 256)}. It owns its
 * scope (hyperparameters, fields, parameters), its sub-layers and its parameters, named by path
 * ({@code fc1.weight}). The output types of its calls are recorded for {@code nnet summary}.
 */
public final class LayerInstance {
  private final Decl.Layer decl;
  private final String path;
  private final Scope scope;
  private final SourceSpan definedAt;
  private final Map<String, LayerInstance> children = new LinkedHashMap<>();
  private final List<ParamSpec> params = new ArrayList<>();
  private final List<TensorType> outputs = new ArrayList<>();
  private dev.nnet.ir.GraphBuilder.Value firstOutput;
  private final List<String> outputTexts = new java.util.ArrayList<>();
  private final Map<String, Object> hyperParams = new LinkedHashMap<>();
  private final Map<String, SourceSpan> argSpans = new LinkedHashMap<>();
  private final Map<String, SourceSpan> paramSpans = new LinkedHashMap<>();
  private Graph traced;

  LayerInstance(Decl.Layer decl, String path, Scope scope, SourceSpan definedAt) {
    this.decl = decl;
    this.path = path;
    this.scope = scope;
    this.definedAt = definedAt;
  }

  public Decl.Layer decl() {
    return decl;
  }

  /** Dotted path from the model: {@code ""} for the model itself, {@code "block1.fc"} below. */
  public String path() {
    return path;
  }

  Scope scope() {
    return scope;
  }

  /** Where the instance was created: the field {@code fc1 = Linear(784, 256)}. */
  public SourceSpan definedAt() {
    return definedAt;
  }

  public Map<String, LayerInstance> children() {
    return children;
  }

  /** Parameters declared directly by this layer (not its children). */
  public List<ParamSpec> params() {
    return params;
  }

  /** The output type of each call of this instance while tracing, in order. */
  public List<TensorType> outputs() {
    return outputs;
  }

  /** The graph value of this instance's first call, or null if it was not called. */
  dev.nnet.ir.GraphBuilder.Value firstOutput() {
    return firstOutput;
  }

  void recordOutput(dev.nnet.ir.GraphBuilder.Value v) {
    if (firstOutput == null) {
      firstOutput = v;
    }
    outputs.add(v.type());
    outputTexts.add(v.type().toString());
  }

  /**
   * Records a call that returned a tuple (an RNN's output and final state, a model's logits and an
   * auxiliary loss), as text for summaries; its first tensor is what prediction reports.
   */
  void recordTupleOutput(String text, dev.nnet.ir.GraphBuilder.Value first) {
    if (firstOutput == null) {
      firstOutput = first;
    }
    outputTexts.add(text);
  }

  /** What each call of this instance returned, as written in summaries: {@code [N, 10]} or a tuple of types. */
  public List<String> outputTexts() {
    return outputTexts;
  }

  /** Hyperparameter values as written in summaries. */
  public Map<String, Object> hyperParams() {
    return hyperParams;
  }

  /** Where each hyperparameter's argument was written at the creation site. */
  Map<String, SourceSpan> argSpans() {
    return argSpans;
  }

  /** Where each parameter is declared, by its short name. */
  public Map<String, SourceSpan> paramSpans() {
    return paramSpans;
  }

  /**
   * For a model the checker traced on its own (every hyperparameter defaulted, typed forward inputs):
   * the graph of its forward on symbolic inputs, one {@code input} per tensor parameter of forward,
   * named after it, and the output {@code "forward"}. Null otherwise (sub-layers, tuple results).
   */
  public Graph traced() {
    return traced;
  }

  void setTraced(Graph graph) {
    this.traced = graph;
  }

  /** Number of scalar parameters here and below (for a concrete shape). */
  public long parameterCount() {
    // Exact, like every size: a wrapped count would print as a negative number.
    long n = params.stream().filter(ParamSpec::trainable)
        .mapToLong(p -> p.shape().numel().isConstant() ? p.shape().numel().constant() : 0).reduce(0, Math::addExact);
    for (LayerInstance c : children.values()) {
      n = Math.addExact(n, c.parameterCount());
    }
    return n;
  }

  /** This instance and all below it, depth first. */
  public List<LayerInstance> flatten() {
    List<LayerInstance> out = new ArrayList<>();
    out.add(this);
    for (LayerInstance c : children.values()) {
      out.addAll(c.flatten());
    }
    return out;
  }

  /** All parameters here and below, in declaration order. */
  public List<ParamSpec> allParams() {
    List<ParamSpec> out = new ArrayList<>(params);
    for (LayerInstance c : children.values()) {
      out.addAll(c.allParams());
    }
    return out;
  }

  /** {@code fc1} for display, {@code <model>} for the root. */
  public String displayName() {
    return path.isEmpty() ? decl.name() : path;
  }
}
