package dev.nnet.backend.onnx;

import static dev.nnet.backend.onnx.OnnxGraph.attr;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An IR {@code scan} as an ONNX Scan (opset 16 form) whose body is the IR body translated on its
 * own, with value names prefixed so that none shadows an outer one. Carries are Scan's state
 * variables and sequences its scan inputs; the constants (captured weights) are not inputs, since
 * an ONNX body reads outer values directly. A reverse scan reads and stacks backwards, so
 * {@code ys[t]} stays the output of step {@code t}. Results keep the IR's order: final carries,
 * stacked ys, then the carries at the start of every step, which only a gradient reads and which
 * are added only when read.
 */
final class ScanTranslation {
  private ScanTranslation() {}

  /** The name of result {@code index} of the Scan whose names start with {@code base}. */
  static String result(String base, int index) {
    return base + "_r" + index;
  }

  /**
   * Writes the Scan of {@code op} into {@code g}: {@code operands} are the ONNX values of the IR
   * node's operands, {@code base} prefixes every name it makes, {@code stepCarriesRead} says whether
   * the carries at the start of each step are read.
   */
  static void emit(Op.Scan op, List<String> operands, String base, boolean stepCarriesRead, OnnxGraph g,
      ShapeTensors shapes, Map<String, Tensor> weights, SourceSpan span) throws OnnxExportError {
    OnnxGraph body = new OnnxGraph(base + "_body", base + "_");
    Map<String, String> bodyInputs = new HashMap<>();
    for (int i = 0; i < op.carries(); i++) {
      bodyInput(body, bodyInputs, op, "carry" + i, base);
    }
    List<String> sequences = new ArrayList<>();
    for (int j = 0; j < op.sequences(); j++) {
      bodyInput(body, bodyInputs, op, "x" + j, base);
      sequences.add(operands.get(op.carries() + j));
    }
    if (op.sequences() == 0) {
      // ONNX counts steps from a scan input; a loop over none gets a sequence of `length` zeros.
      sequences.add(g.node("ConstantOfShape", List.of(shapes.of(Shape.of(op.length()), span))));
      body.proto().addInput(ValueInfoProto.newBuilder().setName(base + "_step")
          .setType(TensorProtos.type(TensorType.f32(Shape.scalar()))));
    }
    for (int k = 0; k < op.consts(); k++) {
      bodyInputs.put("const" + k, operands.get(op.carries() + op.sequences() + k));
    }
    NodeTranslator inner = new NodeTranslator(op.body(), body, shapes, weights, bodyInputs);
    for (Node n : op.body().nodes()) {
      inner.translate(n);
    }
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < op.carries(); i++) {
      outputs.add(bodyOutput(body, inner.value(op.body().outputs().get("carry" + i)), op.body(), "carry" + i, base));
    }
    for (int m = 0; m < op.outputs(); m++) {
      outputs.add(bodyOutput(body, inner.value(op.body().outputs().get("y" + m)), op.body(), "y" + m, base));
    }
    if (stepCarriesRead) {
      for (int i = 0; i < op.carries(); i++) {
        outputs.add(bodyOutput(body, bodyInputs.get("carry" + i), op.body(), "carry" + i, base + "_start"));
      }
    }
    List<String> scanOperands = new ArrayList<>(operands.subList(0, op.carries()));
    scanOperands.addAll(sequences);
    List<String> results = new ArrayList<>();
    for (int r = 0; r < outputs.size(); r++) {
      results.add(result(base, r));
    }
    long direction = op.reverse() ? 1 : 0;
    g.node("Scan", scanOperands, results, attr("body", body.proto().build()),
        attr("num_scan_inputs", (long) sequences.size()),
        attr("scan_input_directions", Collections.nCopies(sequences.size(), direction)),
        attr("scan_output_directions", Collections.nCopies(outputs.size() - op.carries(), direction)));
  }

  /** Declares body input {@code name} of the IR body as a body graph input. */
  private static void bodyInput(OnnxGraph body, Map<String, String> bodyInputs, Op.Scan op, String name,
      String base) {
    String value = base + "_" + name;
    TensorType type = op.body().inputs().stream().filter(n -> ((Op.Input) n.op()).name().equals(name)).findFirst()
        .orElseThrow().type();
    body.proto().addInput(ValueInfoProto.newBuilder().setName(value).setType(TensorProtos.type(type)));
    bodyInputs.put(name, value);
  }

  /** {@code value} as a body graph output, typed as the IR body's output {@code name}. */
  private static String bodyOutput(OnnxGraph body, String value, Graph ir, String name, String base) {
    String output = body.node("Identity", List.of(value), base + "_out_" + name);
    body.proto().addOutput(ValueInfoProto.newBuilder().setName(output).setType(TensorProtos.type(ir.output(name).type())));
    return output;
  }
}
