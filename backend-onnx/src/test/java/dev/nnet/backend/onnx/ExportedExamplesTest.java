package dev.nnet.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The examples' models, exported with the weights training starts from (seeded) and run in ONNX
 * Runtime on batches of several sizes, give the reference backend's outputs. Checking never reads
 * data, so these run without the Fashion-MNIST files.
 */
class ExportedExamplesTest {
  static TrainingPlan plan(String example) throws Exception {
    Path file = Path.of("..", "examples", example);
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), () -> example + ": " + r.diagnostics());
    return r.plans().get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"digits/mlp.nnet", "fashion/mlp.nnet", "fashion/lenet.nnet", "fashion/lstm.nnet"})
  void exportedModelComputesWhatNnetComputes(String example) throws Exception {
    TrainingPlan p = plan(example);
    var weights = ExportCheck.initialWeights(p.params(), p.seed());
    ModelProto model = ExportCheck.compare(p.predict(), p.predictSignature(), weights, 7, 1, 3, 16);

    assertEquals(OnnxExporter.OPSET, model.getOpsetImport(0).getVersion());
    assertEquals(p.params().size(), model.getGraph().getInitializerList().stream()
        .filter(t -> weights.containsKey(t.getName())).count(), "every parameter is an initializer");
    ValueInfoProto image = model.getGraph().getInput(0);
    assertEquals("image", image.getName());
    assertEquals("N", image.getType().getTensorType().getShape().getDim(0).getDimParam(), "the batch stays symbolic");
    assertTrue(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Gemm")),
        "linear layers are Gemm nodes");
    if (!example.contains("lstm")) {
      assertTrue(model.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Transpose")),
          "no weight is transposed at run time");
    }
  }

  @Test
  void theLstmsLoopIsAnOnnxScan() throws Exception {
    TrainingPlan p = plan("fashion/lstm.nnet");
    ModelProto model = OnnxExporter.export(p, ExportCheck.initialWeights(p.params(), p.seed()));
    assertTrue(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Scan")));
  }
}
