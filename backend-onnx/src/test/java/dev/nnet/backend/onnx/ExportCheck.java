package dev.nnet.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.Backends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Exports a graph, runs it in ONNX Runtime and on the reference backend with the same inputs and
 * weights, and compares every output: f32 to {@code 1e-5} (relative to the output's largest
 * magnitude, at least 1), i64 and bool exactly.
 */
final class ExportCheck {
  static final double TOLERANCE = 1e-5;

  private ExportCheck() {}

  /** Weights as training starts them: each spec's initializer, drawn in order from {@code seed}. */
  static Map<String, Tensor> initialWeights(List<ParamSpec> specs, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (ParamSpec p : specs) {
      w.put(p.name(), p.init().create(p.shape().sizes(), rng));
    }
    return w;
  }

  /**
   * A tensor of {@code type} with the batch symbol {@code N} bound to {@code batch} and any other
   * symbol (a sequence length) to {@code batch + 2}: normal f32, small i64.
   */
  static Tensor randomInput(TensorType type, long batch, SplittableRandom rng) {
    Map<String, Long> bindings = new java.util.HashMap<>();
    type.shape().dims().forEach(d -> d.symbols().forEach(sym -> bindings.put(sym, sym.equals("N") ? batch : batch + 2)));
    int[] shape = type.shape().evaluate(bindings);
    int n = Math.toIntExact(Tensor.numel(shape));
    return switch (type.dtype()) {
      case F32 -> {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
          d[i] = (float) (rng.nextGaussian());
        }
        yield Tensor.of(d, shape);
      }
      case I64 -> {
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
          d[i] = rng.nextInt(3);
        }
        yield Tensor.ofLongs(d, shape);
      }
      case BOOL -> {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
          d[i] = rng.nextBoolean() ? 1f : 0f;
        }
        yield Tensor.ofBool(d, shape);
      }
    };
  }

  /**
   * Exports {@code graph} with {@code weights} and compares ONNX Runtime with the reference on one
   * random batch for each size in {@code batches}; returns the model.
   */
  static ModelProto compare(Graph graph, Signature signature, Map<String, Tensor> weights, long seed, int... batches)
      throws Exception {
    ModelProto model = OnnxExporter.export(graph, signature, weights, "test");
    SplittableRandom rng = new SplittableRandom(seed);
    for (int batch : batches) {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      for (Signature.InputSlot slot : signature.inputs()) {
        if (slot.role() != Signature.InputRole.PARAMETER && slot.role() != Signature.InputRole.STATE) {
          inputs.put(slot.name(), randomInput(slot.type(), batch, rng));
        }
      }
      Map<String, Tensor> feeds = new LinkedHashMap<>(weights);
      feeds.putAll(inputs);
      Map<String, Tensor> want = Backends.reference().compile(graph, signature).run(feeds, 0);
      Map<String, Tensor> got = OnnxRuntimeRunner.run(model, inputs);
      for (Signature.OutputSlot slot : signature.outputs()) {
        assertClose(slot.name() + " (batch " + batch + ")", want.get(slot.name()), got.get(slot.name()));
      }
    }
    return model;
  }

  static void assertClose(String what, Tensor want, Tensor got) {
    assertArrayEquals(want.shape(), got.shape(), what + ": shape");
    assertEquals(want.dtype(), got.dtype(), what + ": dtype");
    if (want.dtype() != DType.F32) {
      for (int i = 0; i < want.size(); i++) {
        assertEquals(want.getFlat(i), got.getFlat(i), what + ": element " + i);
      }
      return;
    }
    double scale = 1;
    for (int i = 0; i < want.size(); i++) {
      scale = Math.max(scale, Math.abs(want.getFlat(i)));
    }
    for (int i = 0; i < want.size(); i++) {
      double w = want.getFlat(i);
      double g = got.getFlat(i);
      boolean same = Double.isNaN(w) ? Double.isNaN(g) : w == g || Math.abs(w - g) <= TOLERANCE * scale;
      assertTrue(same, what + ": element " + i + " is " + g + " in ONNX Runtime, " + w + " in nnet");
    }
  }
}
