package dev.nnet.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
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
  @ValueSource(strings = {"digits/mlp.nnet", "fashion/mlp.nnet", "fashion/lenet.nnet"})
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
  }

  @Test
  void theLstmsScanIsALocatedErrorNotABrokenModel() throws Exception {
    TrainingPlan p = plan("fashion/lstm.nnet");
    var weights = ExportCheck.initialWeights(p.params(), p.seed());
    OnnxExportError e = assertThrows(OnnxExportError.class, () -> OnnxExporter.export(p, weights));
    Diagnostic d = e.diagnostic();
    assertEquals(ErrorCode.EXPORT_UNSUPPORTED, d.code());
    assertTrue(d.message().contains("`scan`"), d.message());
    assertTrue(d.span().isKnown() && d.span().file().endsWith("nn.nnet"), "at the scan in std.nn's LSTM: " + d.span());
    assertTrue(d.help() != null && !d.help().isEmpty());
  }
}
