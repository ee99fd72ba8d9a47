package dev.nnet.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.nnet.backend.onnx.OnnxExportError;
import dev.nnet.backend.onnx.OnnxExporter;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a trained model (its prediction graph in evaluation mode, after the optimization passes, "
        + "with the checkpoint's weights) as an ONNX model, opset 17, with the batch size left free (`N`).")
final class ExportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "the .nnet file the model was trained from")
  Path file;

  // The format is named even though ONNX is the only one, so that a later format is another option.
  @Option(names = "--onnx", required = true, description = "write ONNX")
  boolean onnx;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL", description = "the file to write")
  Path output;

  @Option(names = "--checkpoint", description = "checkpoint file (default: the run directory's)")
  Path checkpoint;

  @Override
  public Integer call() {
    Plans.Checked checked = Plans.load(file);
    if (checked == null) {
      return 1;
    }
    Path ckpt = TrainedModel.checkpointFile(checked.plan(), checkpoint);
    if (ckpt == null) {
      return 1;
    }
    Map<String, Tensor> weights = Checkpoint.load(ckpt).tensors();
    ModelProto model;
    try {
      model = OnnxExporter.export(checked.plan(), weights);
    } catch (OnnxExportError e) {
      SourceLoading.print(e.diagnostic(), checked.sources(), System.err);
      System.err.println("nothing written to " + output);
      return 1;
    }
    try {
      OnnxExporter.write(model, output);
    } catch (IOException e) {
      System.err.println("nnet: cannot write " + output + ": " + e);
      return 1;
    }
    System.out.println("wrote " + output + " (" + model.getGraph().getNodeCount() + " ONNX nodes, "
        + model.getGraph().getInitializerCount() + " initializers)");
    return 0;
  }
}
