package dev.nnet.conformance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reader of the protobuf wire format and of the few ONNX messages the conformance harness
 * needs (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto), so the tests need no
 * protobuf dependency. Field numbers are onnx.proto's. Repeated scalars are read packed or not.
 */
final class OnnxProto {
  private OnnxProto() {}

  // ---- wire format -------------------------------------------------------------------------------

  /** A decoded message: each field number with its values in order (Long for scalars, byte[] for bytes). */
  static final class Message {
    private final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

    static Message parse(byte[] b) {
      Message m = new Message();
      int[] pos = {0};
      while (pos[0] < b.length) {
        long key = varint(b, pos);
        int field = (int) (key >>> 3);
        int wire = (int) (key & 7);
        Object v = switch (wire) {
          case 0 -> varint(b, pos);
          case 1 -> { long x = ByteBuffer.wrap(b, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong(); pos[0] += 8; yield x; }
          case 5 -> { long x = ByteBuffer.wrap(b, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL; pos[0] += 4; yield x; }
          case 2 -> {
            int len = (int) varint(b, pos);
            if (len < 0 || pos[0] + len > b.length) {
              throw new IllegalArgumentException("truncated length-delimited field " + field);
            }
            byte[] x = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
            pos[0] += len;
            yield x;
          }
          default -> throw new IllegalArgumentException("unsupported wire type " + wire + " for field " + field);
        };
        m.fields.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
      }
      return m;
    }

    private static long varint(byte[] b, int[] pos) {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos[0] >= b.length) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte x = b[pos[0]++];
        result |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    List<Object> all(int field) {
      return fields.getOrDefault(field, List.of());
    }

    boolean has(int field) {
      return fields.containsKey(field);
    }

    long integer(int field, long fallback) {
      List<Object> v = all(field);
      return v.isEmpty() ? fallback : (Long) v.get(v.size() - 1);
    }

    String string(int field) {
      List<Object> v = all(field);
      return v.isEmpty() ? "" : new String((byte[]) v.get(v.size() - 1), StandardCharsets.UTF_8);
    }

    List<String> strings(int field) {
      return all(field).stream().map(o -> new String((byte[]) o, StandardCharsets.UTF_8)).toList();
    }

    byte[] bytes(int field) {
      List<Object> v = all(field);
      return v.isEmpty() ? null : (byte[]) v.get(v.size() - 1);
    }

    Message message(int field) {
      byte[] b = bytes(field);
      return b == null ? null : parse(b);
    }

    List<Message> messages(int field) {
      return all(field).stream().map(o -> parse((byte[]) o)).toList();
    }

    /** A repeated varint field, packed or not. */
    long[] varints(int field) {
      List<Long> out = new ArrayList<>();
      for (Object o : all(field)) {
        if (o instanceof byte[] packed) {
          int[] pos = {0};
          while (pos[0] < packed.length) {
            out.add(varint(packed, pos));
          }
        } else {
          out.add((Long) o);
        }
      }
      return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** A repeated fixed-width field (4 or 8 bytes each), packed or not, as raw bits. */
    long[] fixed(int field, int width) {
      List<Long> out = new ArrayList<>();
      for (Object o : all(field)) {
        if (o instanceof byte[] packed) {
          ByteBuffer bb = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
          while (bb.remaining() >= width) {
            out.add(width == 4 ? bb.getInt() & 0xffffffffL : bb.getLong());
          }
        } else {
          out.add((Long) o);
        }
      }
      return out.stream().mapToLong(Long::longValue).toArray();
    }
  }

  // ---- ONNX messages ----------------------------------------------------------------------------

  /** TensorProto.DataType values. */
  static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8,
      BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13;

  static String typeName(int dataType) {
    return switch (dataType) {
      case FLOAT -> "float"; case UINT8 -> "uint8"; case INT8 -> "int8"; case UINT16 -> "uint16";
      case INT16 -> "int16"; case INT32 -> "int32"; case INT64 -> "int64"; case STRING -> "string";
      case BOOL -> "bool"; case FLOAT16 -> "float16"; case DOUBLE -> "double"; case UINT32 -> "uint32";
      case UINT64 -> "uint64"; case 16 -> "bfloat16"; default -> "type " + dataType;
    };
  }

  /**
   * A tensor: its name, ONNX element type, dims and values. Integer and bool tensors keep exact
   * values in {@code longs}; every numeric tensor also has them as doubles.
   */
  record Tensor(String name, int dataType, long[] dims, double[] values, long[] longs) {
    int numel() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return (int) n;
    }
  }

  static Tensor tensor(Message m) {
    int type = (int) m.integer(2, 0);
    long[] dims = m.varints(1);
    String name = m.string(8);
    long n = 1;
    for (long d : dims) {
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tensor " + name + ": bad dims " + java.util.Arrays.toString(dims));
      }
      n *= d;
      if (n > 1 << 26) {
        throw new IllegalArgumentException("tensor " + name + ": too large, dims " + java.util.Arrays.toString(dims));
      }
    }
    int count = (int) n;
    byte[] raw = m.bytes(9);
    if (raw != null && type != STRING && raw.length < count) {
      throw new IllegalArgumentException("tensor " + name + ": " + raw.length + " raw bytes for " + count + " elements");
    }
    double[] values = new double[count];
    long[] longs = null;
    if (type == STRING) {
      return new Tensor(name, type, dims, new double[0], null);
    }
    if (raw != null) {
      ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      longs = type == FLOAT || type == DOUBLE || type == FLOAT16 || type == 16 ? null : new long[count];
      for (int i = 0; i < count; i++) {
        switch (type) {
          case FLOAT -> values[i] = bb.getFloat();
          case DOUBLE -> values[i] = bb.getDouble();
          case FLOAT16 -> values[i] = Double.NaN + bb.getShort(); // not read: no 16-bit floats in nnet
          case 16 -> values[i] = Float.intBitsToFloat((bb.getShort() & 0xffff) << 16);
          case INT64, UINT64 -> longs[i] = bb.getLong();
          case INT32 -> longs[i] = bb.getInt();
          case UINT32 -> longs[i] = bb.getInt() & 0xffffffffL;
          case INT16 -> longs[i] = bb.getShort();
          case UINT16 -> longs[i] = bb.getShort() & 0xffff;
          case INT8 -> longs[i] = bb.get();
          case UINT8, BOOL -> longs[i] = bb.get() & 0xff;
          default -> throw new IllegalArgumentException("raw data of " + typeName(type));
        }
      }
    } else {
      switch (type) {
        case FLOAT -> {
          long[] bits = m.fixed(4, 4);
          if (bits.length != count) {
            throw new IllegalArgumentException("tensor " + name + ": " + bits.length + " floats for " + count + " elements");
          }
          for (int i = 0; i < count; i++) {
            values[i] = Float.intBitsToFloat((int) bits[i]);
          }
        }
        case DOUBLE -> {
          long[] bits = m.fixed(10, 8);
          if (bits.length != count) {
            throw new IllegalArgumentException("tensor " + name + ": " + bits.length + " doubles for " + count + " elements");
          }
          for (int i = 0; i < count; i++) {
            values[i] = Double.longBitsToDouble(bits[i]);
          }
        }
        case FLOAT16, 16 -> {
          long[] bits = m.varints(5);
          for (int i = 0; i < count; i++) {
            values[i] = type == 16 ? Float.intBitsToFloat((int) bits[i] << 16) : Double.NaN; // float16: not read
          }
        }
        case INT64 -> longs = m.varints(7);
        case UINT64, UINT32 -> longs = m.varints(11);
        default -> {
          long[] v = m.varints(5); // int32_data holds int32, int16, int8, uint16, uint8 and bool
          longs = new long[v.length];
          for (int i = 0; i < v.length; i++) {
            longs[i] = type == INT32 || type == INT16 || type == INT8 ? (int) v[i] : v[i];
          }
        }
      }
    }
    if (longs != null) {
      if (longs.length != count) {
        throw new IllegalArgumentException("tensor " + name + ": " + longs.length + " values for " + count + " elements");
      }
      for (int i = 0; i < count; i++) {
        values[i] = longs[i];
      }
    }
    return new Tensor(name, type, dims, values, longs);
  }

  static Tensor readTensor(Path file) throws IOException {
    return tensor(Message.parse(Files.readAllBytes(file)));
  }

  /** AttributeProto, with the fields the harness reads. */
  record Attribute(String name, int type, double f, long i, String s, Tensor t, double[] floats, long[] ints) {}

  record Node(String opType, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {}

  /**
   * A model: its default-domain opset, the graph's nodes, initializers, input and output names, and
   * whether every graph input and output is a tensor (not a sequence, map or optional).
   */
  record Model(long opset, List<Node> nodes, Map<String, Tensor> initializers, List<String> inputs, List<String> outputs,
      boolean tensorsOnly) {}

  static Model readModel(Path file) throws IOException {
    Message model = Message.parse(Files.readAllBytes(file));
    long opset = 0;
    for (Message o : model.messages(8)) {
      String domain = o.string(1);
      if (domain.isEmpty() || domain.equals("ai.onnx")) {
        opset = o.integer(2, 0);
      }
    }
    Message graph = model.message(7);
    if (graph == null) {
      throw new IllegalArgumentException(file + ": the model has no graph");
    }
    List<Node> nodes = new ArrayList<>();
    for (Message n : graph.messages(1)) {
      Map<String, Attribute> attrs = new LinkedHashMap<>();
      for (Message a : n.messages(5)) {
        long[] floatBits = a.fixed(7, 4);
        double[] floats = new double[floatBits.length];
        for (int i = 0; i < floats.length; i++) {
          floats[i] = Float.intBitsToFloat((int) floatBits[i]);
        }
        double f = a.has(2) ? Float.intBitsToFloat((int) a.fixed(2, 4)[0]) : 0;
        Message t = a.message(5);
        attrs.put(a.string(1), new Attribute(a.string(1), (int) a.integer(20, 0), f, a.integer(3, 0), a.string(4),
            t == null ? null : tensor(t), floats, a.varints(8)));
      }
      nodes.add(new Node(n.string(4), n.string(7), n.strings(1), n.strings(2), attrs));
    }
    Map<String, Tensor> inits = new LinkedHashMap<>();
    for (Message t : graph.messages(5)) {
      Tensor x = tensor(t);
      inits.put(x.name(), x);
    }
    List<String> inputs = graph.messages(11).stream().map(v -> v.string(1)).toList();
    List<String> outputs = graph.messages(12).stream().map(v -> v.string(1)).toList();
    boolean tensorsOnly = true;
    for (int field : new int[] {11, 12}) {
      for (Message v : graph.messages(field)) {
        Message type = v.message(2); // ValueInfoProto.type; TypeProto.tensor_type is field 1
        tensorsOnly &= type == null || type.has(1);
      }
    }
    return new Model(opset, nodes, inits, inputs, outputs, tensorsOnly);
  }
}
