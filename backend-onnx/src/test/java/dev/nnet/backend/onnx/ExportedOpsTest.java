package dev.nnet.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.nnet.check.LayerInstance;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.opt.Pipeline;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each family of ops the examples' layers are built from, in a small model traced on its own,
 * optimized as training plans are, exported and run in ONNX Runtime against the reference backend
 * on batches of 1, 2 and 5 rows; and the ops that have no ONNX form give a located error.
 */
class ExportedOpsTest {
  /** Checks {@code source}, exports model {@code M}'s optimized forward graph and compares; returns the model. */
  private static ModelProto exportAndCompare(String source) throws Exception {
    LayerInstance m = model(source);
    Graph graph = Pipeline.optimize(m.traced());
    return ExportCheck.compare(graph, Signature.ofFunction(graph), ExportCheck.initialWeights(m.allParams(), 3), 11,
        1, 2, 5);
  }

  private static LayerInstance model(String source) {
    Compiler.Result r = Compiler.check(new SourceFile("m.nnet", source));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    LayerInstance m = r.models().stream().filter(l -> l.decl().name().equals("M")).findFirst().orElseThrow();
    assertNotNull(m.traced(), "model M is traced on its own");
    return m;
  }

  private static Set<String> opTypes(ModelProto model) {
    return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toSet());
  }

  @Test
  void convolutionsWithPaddingStrideGroupsAndDilation() throws Exception {
    ModelProto model = exportAndCompare("""
        model M() {
          a = Conv2d(4, 6, 3, stride = 2, padding = 1, groups = 2)
          b = Conv2d(6, 6, 3, padding = "same", dilation = 2, groups = 3, bias = false)
          c = Conv2d(6, 4, [2, 3], stride = [1, 2], padding = [0, 1])
          forward(x: [N, 4, 9, 8]) = x |> a |> relu |> b |> c
        }
        """);
    assertTrue(opTypes(model).contains("Conv"));
  }

  @Test
  void convolutionPaddingModesAndOneDimension() throws Exception {
    exportAndCompare("""
        model M() {
          a = Conv1d(3, 4, 3, padding = 2, padding_mode = "reflect")
          b = Conv1d(4, 4, 3, padding = 1, padding_mode = "circular")
          c = Conv1d(4, 2, 5, padding = 2, padding_mode = "replicate")
          forward(x: [N, 3, 7]) = x |> a |> b |> c
        }
        """);
  }

  /** Matmuls that read transposed operands: Gemm's flags for matrices, a Transpose before MatMul for batches. */
  @Test
  void transposedMatmulOperands() throws Exception {
    ModelProto model = exportAndCompare("""
        model M() {
          param w: [3, 4] = normal(0.0, 1.0)
          forward(x: [N, 5, 4]) {
            let scores = x @ x.T
            let flat = reshape(scores, [N * 5, 5])
            return scores @ x + (x @ w.T) @ w + reshape(flat.T @ flat, [1, 5, 5]) @ x
          }
        }
        """);
    assertTrue(opTypes(model).contains("Gemm"), opTypes(model).toString());
    assertTrue(opTypes(model).contains("Transpose"), opTypes(model).toString());
  }

  @Test
  void transposedConvolution() throws Exception {
    ModelProto model = exportAndCompare("""
        model M() {
          up = ConvTranspose2d(4, 6, 3, stride = 2, padding = 1, output_padding = 1, groups = 2)
          forward(x: [N, 4, 5, 6]) = x |> up
        }
        """);
    assertTrue(opTypes(model).contains("ConvTranspose"));
  }

  @Test
  void maxAndAveragePoolingWithPaddingAndCeilMode() throws Exception {
    ModelProto model = exportAndCompare("""
        model M() {
          forward(x: [N, 3, 9, 10]) {
            let a = max_pool2d(x, 3, stride = 2, padding = 1, ceil_mode = true)
            let b = avg_pool2d(x, 3, stride = 2, padding = 1, ceil_mode = true, count_include_pad = false)
            let c = avg_pool2d(x, 2)
            let d = max_pool2d(x, 2, dilation = 2)
            return concat([flatten(a), flatten(b), flatten(c), flatten(d)], axis = 1)
          }
        }
        """);
    assertTrue(opTypes(model).containsAll(Set.of("MaxPool", "AveragePool")), opTypes(model).toString());
  }

  @Test
  void poolingOverATensorWithoutAChannelAxis() throws Exception {
    exportAndCompare("""
        model M() {
          forward(x: [N, 3, 2, 8, 8]) = max_pool2d(x, 2) + avg_pool2d(x, 2)
        }
        """);
    exportAndCompare("""
        model M() {
          forward(x: [N, 8, 8]) = max_pool2d(x, 2, stride = 1)
        }
        """);
  }

  @Test
  void reshapesWithSeveralSymbolicDims() throws Exception {
    // [N, T, 3] to [N, 3 * T] and back: two unknown dims, so one is copied (0) and one inferred (-1).
    ModelProto model = exportAndCompare("""
        model M() {
          forward(x: [N, T, 3]) {
            let flat = reshape(x, [x.shape[0], 3 * x.shape[1]])
            return reshape(flat * cumulative_weights(flat), [x.shape[0], x.shape[1], 3])
          }
          fn cumulative_weights(y) = abs(y) + 1.0
        }
        """);
    assertEquals(2, model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Reshape")).count());
    assertFalse(opTypes(model).contains("Shape"), "the targets fold to constants: " + opTypes(model));
  }

  @Test
  void softmaxLogSoftmaxAndReductions() throws Exception {
    exportAndCompare("""
        model M() {
          fc = Linear(6, 5)
          forward(x: [N, 6]) {
            let y = fc(x)
            return concat([softmax(y), log_softmax(y, axis = 1), sigmoid(y), tanh(y), leaky_relu(y),
                           expand(mean(y, axis = 1, keepdims = true), [N, 5]),
                           expand(max(y, axis = 1, keepdims = true), [N, 5])], axis = 1)
          }
        }
        """);
  }

  @Test
  void flattenReshapeAndGlobalPooling() throws Exception {
    exportAndCompare("""
        model M() {
          conv = Conv2d(2, 3, 3)
          forward(x: [N, 2, 6, 6]) {
            let y = conv(x)
            return concat([flatten(y), global_avg_pool(y), global_max_pool(y), reshape(y, [-1, 48])], axis = 1)
          }
        }
        """);
  }

  @Test
  void everyElementwiseFunctionAndIntegerArithmetic() throws Exception {
    // floor(2x) gives ties, so <= and < (and the floor of a negative i64 quotient) tell apart;
    // tensor literals are f32, bool and i64 constants.
    exportAndCompare("""
        model M() {
          forward(x: [N, 6]) {
            let p = abs(x) + 0.5
            let a = floor(x * 2.0)
            let b = floor(flip(x, 1) * 2.0)
            let i = cast(a, i64)
            let j = cast(b, i64)
            let ints = cast(i / (j * j + 1) + i * j - j + maximum(i, j) - minimum(i, j), f32)
            let cmp = cast(a <= b, f32) + 2.0 * cast(a >= b, f32) + 4.0 * cast(a == b, f32)
                + 8.0 * cast(a != b, f32) + 16.0 * cast(a < b, f32) + 32.0 * cast(a > b, f32)
                + 64.0 * cast((a < b) and (x > 0.0) or cast(a, bool), f32)
            return concat([exp(x), log(p), sqrt(p), sign(a), reciprocal(p), sin(x), cos(x), erf(x), -x,
                           pow(p, x), maximum(x, b), minimum(x, b), x / p, x - b, ints, cmp,
                           detach(x) * tensor([1.0, -2.0, 3.0, 0.5, 5.0, 6.0]),
                           where(tensor([1, 0, 1, 0, 0, 1], bool), x, cast(tensor([4, 0, -2, 1, 7, 3], i64) * i, f32)),
                           sum(x[.., 1..4], axis = 1, keepdims = true)], axis = 1)
          }
        }
        """);
  }

  @Test
  void integerIndexingOverTheBatchAxis() throws Exception {
    // roll along the batch: arange of the symbolic N, floor division and gather on i64 values.
    ModelProto model = exportAndCompare("""
        model M() {
          forward(x: [N, 4]) = roll(x, 1, dim = 0) + roll(x, -3, dim = 1)
        }
        """);
    assertTrue(opTypes(model).contains("Gather"));
  }

  @Test
  void classesOneHotAndComparisons() throws Exception {
    exportAndCompare("""
        model M() {
          forward(x: [N, 5]) {
            let c = argmax(x, axis = 1)
            let h = one_hot(c, 5)
            let m = where(x >= 0.5 and x != 1.0, x, -x)
            return h + m * cast(abs(x) < 1.0 or x <= -2.0, f32) + flip(x, 1) + pad(x, [1, 0])[.., 0..5]
          }
        }
        """);
  }

  @Test
  void recurrentLayersAndReverseScansAreOnnxScans() throws Exception {
    ModelProto model = exportAndCompare("""
        model M() {
          rnn = RNN(3, 4)
          gru = GRU(3, 4)
          fn running(c, x) = (c + x, c * 2.0)
          forward(x: [N, 5, 3]) {
            let (a, h) = rnn(x)
            let (b, g) = gru(x)
            let (total, before) = scan(running, fill([x.shape[0], 3], 0.0), x, reverse = true, axis = 1)
            return concat([flatten(a), flatten(b), flatten(before), total], axis = 1)
          }
        }
        """);
    assertEquals(3, model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Scan")).count());
  }

  @Test
  void theGradientOfARecurrenceIsAReverseScanOverTheStepCarries() throws Exception {
    // The gradient scan reads the carries each forward step started from, a result only it uses.
    ModelProto model = exportAndCompare("""
        model M() {
          rnn = RNN(3, 4)
          forward(x: [N, 5, 3]) {
            let (out, h) = rnn(x)
            return flatten(grad(sum(out * out), x))
          }
        }
        """);
    assertEquals(2, model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Scan")).count());
    assertTrue(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Scan")
        && n.getOutputCount() == 3), "the forward scan also stacks the carry each step started from");
  }

  @Test
  void aSequenceOfSymbolicLengthStaysFree() throws Exception {
    ModelProto model = exportAndCompare("""
        model M() {
          lstm = LSTM(3, 4)
          forward(x: [N, T, 3]) {
            let (out, state) = lstm(x)
            let (h, c) = state
            return concat([h[0], sum(out, axis = 1)], axis = 1)
          }
        }
        """);
    assertEquals("T", model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimParam());
  }

  @Test
  void batchNormAndDropoutInEvaluationMode() throws Exception {
    // Running statistics are state initializers; dropout is the identity, so nothing is drawn.
    ModelProto model = exportAndCompare("""
        model M() {
          conv = Conv2d(2, 3, 3, padding = 1)
          bn = BatchNorm2d(3)
          drop = Dropout(0.5)
          fc = Linear(48, 4)
          bn1 = BatchNorm1d(4)
          forward(x: [N, 2, 4, 4]) = x |> conv |> bn |> relu |> drop |> flatten |> fc |> bn1
        }
        """);
    assertTrue(model.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().startsWith("bn.")));
  }

  @Test
  void anEmbeddingLookupOfIntegerInputs() throws Exception {
    exportAndCompare("""
        model M() {
          param table: [3, 4] = normal()
          forward(tokens: i64[N, 5]) = sum(gather(table, tokens), axis = 1)
        }
        """);
  }

  @Test
  void aRandomDrawIsALocatedError() {
    LayerInstance m = model("""
        model M() {
          forward(x: [N, 4]) =
            x + random_normal([N, 4])
        }
        """);
    Graph graph = Pipeline.optimize(m.traced());
    OnnxExportError e = assertThrows(OnnxExportError.class,
        () -> OnnxExporter.export(graph, Signature.ofFunction(graph), ExportCheck.initialWeights(m.allParams(), 3), "M"));
    Diagnostic d = e.diagnostic();
    assertEquals(ErrorCode.EXPORT_UNSUPPORTED, d.code());
    assertEquals("m.nnet", d.span().file());
    assertEquals(3, d.span().line(), "at the random_normal call: " + d.span());
    assertTrue(d.message().contains("random"), d.message());
  }

  @Test
  void aGradientOnlyOpIsALocatedError() {
    LayerInstance m = model("""
        model M() {
          forward(x: [N, 1, 4, 4]) =
            grad(sum(max_pool2d(x, 2)), x)
        }
        """);
    Graph graph = Pipeline.optimize(m.traced());
    OnnxExportError e = assertThrows(OnnxExportError.class,
        () -> OnnxExporter.export(graph, Signature.ofFunction(graph), java.util.Map.of(), "M"));
    assertEquals(3, e.diagnostic().span().line(), "at the pooling whose gradient it is: " + e.diagnostic().span());
    assertTrue(e.diagnostic().message().contains("`window_max_grad` is part of a gradient"), e.diagnostic().message());
  }

  @Test
  void aMissingWeightIsALocatedError() {
    LayerInstance m = model("""
        model M() {
          fc = Linear(4, 2)
          forward(x: [N, 4]) = fc(x)
        }
        """);
    Graph graph = Pipeline.optimize(m.traced());
    OnnxExportError e = assertThrows(OnnxExportError.class,
        () -> OnnxExporter.export(graph, Signature.ofFunction(graph), java.util.Map.of(), "M"));
    assertTrue(e.diagnostic().message().contains("fc.weight") || e.diagnostic().message().contains("fc.b"),
        e.diagnostic().message());
    assertTrue(e.diagnostic().span().isKnown());
  }
}
