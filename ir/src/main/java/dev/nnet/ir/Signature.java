package dev.nnet.ir;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The typed interface of a graph that a runtime drives: what each input is fed with and what each
 * output means. The graph alone only names its inputs and outputs; a training loop, and a backend
 * that lays out buffers or keeps parameters resident on a device, need to know which inputs are
 * trainable parameters, which are optimizer state, which come from the batch, and which output
 * replaces which input after a step. Names are the graph's own input and output names.
 *
 * @param inputs one slot per {@link Op.Input} and {@link Op.Parameter} node of the graph
 * @param outputs one slot per named output of the graph
 */
public record Signature(List<InputSlot> inputs, List<OutputSlot> outputs) {
  /** What feeds an input. */
  public enum InputRole {
    /** A trainable weight. */
    PARAMETER,
    /** A non-trainable buffer of the model, such as a running statistic. */
    STATE,
    /** A tensor the optimizer keeps between steps: momentum, Adam's moments, its step count. */
    OPTIMIZER_STATE,
    /** A field of the data set, one row per sample of the batch. */
    BATCH,
    /** A scalar the loop supplies: the learning rate, the epoch and step counters. */
    SCALAR
  }

  /** What an output is. */
  public enum OutputRole {
    /** The scalar loss being minimized. */
    LOSS,
    /** A scalar metric, reported next to the loss. */
    METRIC,
    /** The model's output (what {@code predict} shows). */
    OUTPUT,
    /** The new value of an input (a parameter, buffer or optimizer state), named by {@link OutputSlot#replaces()}. */
    UPDATE
  }

  /** An input of the graph: its name, what feeds it and its type. */
  public record InputSlot(String name, InputRole role, TensorType type) {}

  /**
   * An output of the graph: its name, what it is and its type; {@code replaces} names the input
   * slot an {@link OutputRole#UPDATE} replaces, and is null for every other role.
   */
  public record OutputSlot(String name, OutputRole role, TensorType type, String replaces) {
    public OutputSlot {
      if ((role == OutputRole.UPDATE) != (replaces != null)) {
        throw new IllegalArgumentException("output `" + name + "`: only an update names the input it replaces");
      }
    }
  }

  public Signature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /**
   * The signature of a plain function graph (a traced forward, a test's graph): every input a
   * batch input, every parameter a parameter (or state), every output an output.
   */
  public static Signature ofFunction(Graph graph) {
    List<InputSlot> in = new java.util.ArrayList<>();
    for (Node n : graph.nodes()) {
      if (n.op() instanceof Op.Input i) {
        in.add(new InputSlot(i.name(), InputRole.BATCH, n.type()));
      } else if (n.op() instanceof Op.Parameter p) {
        in.add(new InputSlot(p.name(), p.trainable() ? InputRole.PARAMETER : InputRole.STATE, n.type()));
      }
    }
    List<OutputSlot> out = new java.util.ArrayList<>();
    graph.outputNodes().forEach((name, n) -> out.add(new OutputSlot(name, OutputRole.OUTPUT, n.type(), null)));
    return new Signature(in, out);
  }

  /** The slots of {@code role}, in order. */
  public List<InputSlot> inputs(InputRole role) {
    return inputs.stream().filter(s -> s.role() == role).toList();
  }

  /** The output slots of {@code role}, in order. */
  public List<OutputSlot> outputs(OutputRole role) {
    return outputs.stream().filter(s -> s.role() == role).toList();
  }

  /** The input slot named {@code name}, or null. */
  public InputSlot input(String name) {
    return inputs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * Checks that this signature describes {@code graph}: every input and parameter node of the
   * graph has exactly one input slot of its type, and no slot names anything else; every named
   * output has exactly one output slot of its type; every update replaces an input slot of the
   * same type. Returns this signature.
   *
   * @throws IllegalArgumentException naming the first mismatch (a compiler bug, never a user error)
   */
  public Signature validate(Graph graph) {
    Map<String, TensorType> leaves = new HashMap<>();
    for (Node n : graph.nodes()) {
      if (n.op() instanceof Op.Input in) {
        leaves.put(in.name(), n.type());
      } else if (n.op() instanceof Op.Parameter p) {
        leaves.put(p.name(), n.type());
      }
    }
    Set<String> seen = new HashSet<>();
    for (InputSlot s : inputs) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("input `" + s.name() + "` has two slots");
      }
      TensorType t = leaves.get(s.name());
      if (t == null) {
        throw new IllegalArgumentException("input slot `" + s.name() + "` is not an input of the graph");
      }
      if (!t.equals(s.type())) {
        throw new IllegalArgumentException("input slot `" + s.name() + "` is " + s.type() + " but the graph has " + t);
      }
    }
    for (String leaf : leaves.keySet()) {
      if (!seen.contains(leaf)) {
        throw new IllegalArgumentException("graph input `" + leaf + "` has no slot");
      }
    }
    Set<String> seenOut = new HashSet<>();
    for (OutputSlot s : outputs) {
      if (!seenOut.add(s.name())) {
        throw new IllegalArgumentException("output `" + s.name() + "` has two slots");
      }
      Integer id = graph.outputs().get(s.name());
      if (id == null) {
        throw new IllegalArgumentException("output slot `" + s.name() + "` is not an output of the graph");
      }
      if (!graph.node(id).type().equals(s.type())) {
        throw new IllegalArgumentException("output slot `" + s.name() + "` is " + s.type() + " but the graph gives "
            + graph.node(id).type());
      }
      if (s.role() == OutputRole.UPDATE) {
        InputSlot target = input(s.replaces());
        if (target == null || !target.type().equals(s.type())) {
          throw new IllegalArgumentException("update `" + s.name() + "` replaces `" + s.replaces() + "`, which is "
              + (target == null ? "not an input" : target.type() + ", not " + s.type()));
        }
      }
    }
    for (String out : graph.outputs().keySet()) {
      if (!seenOut.contains(out)) {
        throw new IllegalArgumentException("graph output `" + out + "` has no slot");
      }
    }
    return this;
  }
}
