package dev.nnet.backend.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph being written: nodes, initializers and fresh value names. Small i64 constants
 * (shapes, axes, slice bounds) are shared, so a model with many reshapes to the same target holds
 * one copy.
 */
final class OnnxGraph {
  private final GraphProto.Builder graph;
  private final String prefix;
  private final Map<String, String> longConstants = new HashMap<>();
  private int counter;

  /** A graph named {@code name} whose generated value names start with {@code prefix}. */
  OnnxGraph(String name, String prefix) {
    this.graph = GraphProto.newBuilder().setName(name);
    this.prefix = prefix;
  }

  GraphProto.Builder proto() {
    return graph;
  }

  /** A value name not used before in this graph, e.g. {@code n12_shape}. */
  String fresh(String hint) {
    return prefix + hint + "_" + counter++;
  }

  /** Adds a node {@code opType(inputs) -> output} and returns {@code output}. */
  String node(String opType, List<String> inputs, String output, AttributeProto... attributes) {
    node(opType, inputs, List.of(output), attributes);
    return output;
  }

  /** Adds a node with several outputs (a loop's). */
  void node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    NodeProto.Builder n = graph.addNodeBuilder().setOpType(opType).setName(outputs.get(0));
    inputs.forEach(n::addInput);
    outputs.forEach(n::addOutput);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
  }

  /** Adds a node with a fresh output name. */
  String node(String opType, List<String> inputs, AttributeProto... attributes) {
    return node(opType, inputs, fresh(opType.toLowerCase()), attributes);
  }

  /** Adds {@code tensor} as an initializer and returns its name. */
  String initializer(TensorProto tensor) {
    graph.addInitializer(tensor);
    return tensor.getName();
  }

  /** A shared 1-d i64 initializer holding {@code values} (a shape, axes, bounds). */
  String longs(long... values) {
    String key = java.util.Arrays.toString(values);
    return longConstants.computeIfAbsent(key,
        k -> initializer(TensorProtos.longs(fresh("i64"), values, values.length)));
  }

  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
  }

  static AttributeProto attr(String name, List<? extends Number> values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    values.forEach(v -> a.addInts(v.longValue()));
    return a.build();
  }

  static AttributeProto attr(String name, TensorProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
  }

  static AttributeProto attr(String name, GraphProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(value).build();
  }
}
