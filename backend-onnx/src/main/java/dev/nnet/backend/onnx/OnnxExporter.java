package dev.nnet.backend.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.nnet.check.TrainingPlan;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a trained model's prediction graph (after the optimization passes) as an ONNX model:
 * opset 17, the trained parameters and state as initializers, the batch inputs as graph inputs
 * whose symbolic dims (the batch {@code N}) are {@code dim_param}s, and each output of the
 * signature as a graph output of the same name.
 */
public final class OnnxExporter {
  /** The ONNX operator set the exported nodes use. */
  public static final int OPSET = 17;
  /** ONNX IR version 8, the one that goes with opset 17. */
  public static final int IR_VERSION = 8;

  private OnnxExporter() {}

  /** The prediction graph of {@code plan} with {@code weights} (a checkpoint's tensors) as a model. */
  public static ModelProto export(TrainingPlan plan, Map<String, Tensor> weights) throws OnnxExportError {
    return export(plan.predict(), plan.predictSignature(), weights, plan.modelName());
  }

  /**
   * {@code graph} as a model named {@code name}: its batch and scalar inputs become graph inputs,
   * its parameters and state initializers holding {@code weights}, its outputs graph outputs.
   *
   * @throws OnnxExportError at the source of the first node that has no ONNX form, or of a
   *     parameter that {@code weights} lacks or has with another shape
   */
  public static ModelProto export(Graph graph, Signature signature, Map<String, Tensor> weights, String name)
      throws OnnxExportError {
    OnnxGraph g = new OnnxGraph(name, "");
    ShapeTensors shapes = new ShapeTensors(g);
    Map<String, String> inputs = new HashMap<>();
    for (Signature.InputSlot slot : signature.inputs()) {
      if (slot.role() != Signature.InputRole.PARAMETER && slot.role() != Signature.InputRole.STATE) {
        g.proto().addInput(ValueInfoProto.newBuilder().setName(slot.name()).setType(TensorProtos.type(slot.type())));
        shapes.declare(slot.name(), slot.type().shape());
        inputs.put(slot.name(), slot.name());
      }
    }
    NodeTranslator translator = new NodeTranslator(graph, g, shapes, weights, inputs);
    for (Node n : graph.nodes()) {
      translator.translate(n);
    }
    for (Signature.OutputSlot slot : signature.outputs()) {
      g.node("Identity", List.of(translator.value(graph.outputs().get(slot.name()))), slot.name());
      g.proto().addOutput(ValueInfoProto.newBuilder().setName(slot.name()).setType(TensorProtos.type(slot.type())));
    }
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName("nnet")
        .setGraph(g.proto())
        .build();
  }

  /**
   * Writes {@code model} to {@code file} atomically: to a hidden temporary file beside it, flushed to
   * disk, then moved into place, so a reader never sees half a model and a failed export leaves the
   * old file. The temporary file is created with the default permissions (the umask's), not
   * {@code createTempFile}'s owner-only ones, since an exported model is meant to be shared.
   */
  public static void write(ModelProto model, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
        + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(model.toByteArray());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
