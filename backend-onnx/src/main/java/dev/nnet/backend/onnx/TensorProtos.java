package dev.nnet.backend.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import com.google.protobuf.ByteString;
import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions from nnet values and types to their ONNX protobuf forms. Elements go into
 * {@code raw_data} (little-endian, as ONNX requires), the compact form for large weights; bool
 * elements (stored by nnet as 0/1 floats) become one byte each.
 */
final class TensorProtos {
  private TensorProtos() {}

  /** The ONNX element type of {@code dtype}. */
  static TensorProto.DataType elementType(DType dtype) {
    return switch (dtype) {
      case F32 -> TensorProto.DataType.FLOAT;
      case I64 -> TensorProto.DataType.INT64;
      case BOOL -> TensorProto.DataType.BOOL;
    };
  }

  /**
   * The value type of a graph input or output; a symbolic dim becomes a {@code dim_param} named by
   * its text ({@code N}), so ONNX Runtime accepts any batch size there.
   */
  static TypeProto type(TensorType t) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Dim d : t.shape().dims()) {
      TensorShapeProto.Dimension.Builder dim = shape.addDimBuilder();
      if (d.isConstant()) {
        dim.setDimValue(d.constant());
      } else {
        dim.setDimParam(d.toString());
      }
    }
    return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
        .setElemType(elementType(t.dtype()).getNumber()).setShape(shape)).build();
  }

  /** A runtime tensor (a trained weight) as an initializer named {@code name}. */
  static TensorProto of(String name, Tensor t) {
    long[] dims = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
    return t.dtype() == DType.I64 ? longs(name, t.longs(), dims) : floats(name, t.dtype(), t.floats(), dims);
  }

  /** A graph constant as a tensor named {@code name}. */
  static TensorProto of(String name, ConstantData c) {
    long[] dims = java.util.Arrays.stream(c.shape()).asLongStream().toArray();
    return c.dtype() == DType.I64 ? longs(name, c.longs(), dims) : floats(name, c.dtype(), c.floats(), dims);
  }

  /** An i64 tensor. */
  static TensorProto longs(String name, long[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return build(name, TensorProto.DataType.INT64, b, dims);
  }

  /** An f32 tensor, or a bool one from 0/1 floats. */
  static TensorProto floats(String name, DType dtype, float[] values, long... dims) {
    ByteBuffer b;
    if (dtype == DType.BOOL) {
      b = ByteBuffer.allocate(values.length);
      for (float v : values) {
        b.put((byte) (v != 0f ? 1 : 0));
      }
    } else {
      b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
    }
    return build(name, elementType(dtype), b, dims);
  }

  /** A one-element tensor of {@code dtype} holding {@code value} (bool: non-zero is true). */
  static TensorProto scalar(String name, DType dtype, double value, long... dims) {
    return dtype == DType.I64 ? longs(name, new long[] {(long) value}, dims)
        : floats(name, dtype, new float[] {(float) value}, dims);
  }

  private static TensorProto build(String name, TensorProto.DataType type, ByteBuffer data, long[] dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(data.array())).build();
  }
}
