package dev.nnet.backend.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an exported model in ONNX Runtime, which also serves as the model checker: a malformed
 * model (a dangling input, a type mismatch, an attribute an op does not take) fails at session
 * creation.
 */
final class OnnxRuntimeRunner {
  private OnnxRuntimeRunner() {}

  /** The model's outputs, by name, for the given inputs. */
  static Map<String, Tensor> run(ModelProto model, Map<String, Tensor> feeds) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model.toByteArray(), options)) {
      Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
      try {
        for (var e : feeds.entrySet()) {
          inputs.put(e.getKey(), tensor(env, e.getValue()));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(inputs)) {
          for (Map.Entry<String, OnnxValue> e : result) {
            out.put(e.getKey(), fromOrt((OnnxTensor) e.getValue()));
          }
        }
        return out;
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    }
  }

  private static OnnxTensor tensor(OrtEnvironment env, Tensor t) throws OrtException {
    long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
    return switch (t.dtype()) {
      case F32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
      case I64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
      case BOOL -> {
        ByteBuffer b = ByteBuffer.allocateDirect(t.size());
        for (float v : t.floats()) {
          b.put((byte) (v != 0f ? 1 : 0));
        }
        b.rewind();
        yield OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL);
      }
    };
  }

  private static Tensor fromOrt(OnnxTensor t) {
    int[] shape = java.util.Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
    return switch (t.getInfo().type) {
      case FLOAT -> {
        FloatBuffer b = t.getFloatBuffer();
        float[] d = new float[b.remaining()];
        b.get(d);
        yield Tensor.of(d, shape);
      }
      case INT64 -> {
        LongBuffer b = t.getLongBuffer();
        long[] d = new long[b.remaining()];
        b.get(d);
        yield Tensor.ofLongs(d, shape);
      }
      case BOOL -> {
        ByteBuffer b = t.getByteBuffer();
        float[] d = new float[b.remaining()];
        for (int i = 0; i < d.length; i++) {
          d[i] = b.get() != 0 ? 1f : 0f;
        }
        yield Tensor.ofBool(d, shape);
      }
      default -> throw new IllegalStateException("nnet has no " + t.getInfo().type + " tensors");
    };
  }
}
