package dev.nnet.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnet.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The harness's own parts: the protobuf reader on hand-encoded messages, and the comparison. */
class OnnxProtoTest {
  /** A minimal protobuf writer for the tests. */
  static final class Pb {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static byte[] varint(long v) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while ((v & ~0x7fL) != 0) {
        b.write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      b.write((int) v);
      return b.toByteArray();
    }

    Pb tag(int field, int wire) {
      out.writeBytes(varint((long) field << 3 | wire));
      return this;
    }

    Pb integer(int field, long v) {
      tag(field, 0);
      out.writeBytes(varint(v));
      return this;
    }

    Pb bytes(int field, byte[] b) {
      tag(field, 2);
      out.writeBytes(varint(b.length));
      out.writeBytes(b);
      return this;
    }

    Pb string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Pb message(int field, Pb m) {
      return bytes(field, m.out.toByteArray());
    }

    Pb fixed32(int field, float f) {
      tag(field, 5);
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f).array());
      return this;
    }

    Pb packedVarints(int field, long... v) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (long x : v) {
        b.writeBytes(varint(x));
      }
      return bytes(field, b.toByteArray());
    }

    Pb packedFloats(int field, float... v) {
      ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float x : v) {
        b.putFloat(x);
      }
      return bytes(field, b.array());
    }

    byte[] build() {
      return out.toByteArray();
    }
  }

  @Test
  void readsFloatTensorsPackedAndUnpacked() {
    byte[] packed = new Pb().packedVarints(1, 2, 3).integer(2, OnnxProto.FLOAT).string(8, "x")
        .packedFloats(4, 1, -2, 3.5f, 0, Float.NaN, 6).build();
    OnnxProto.Tensor t = OnnxProto.tensor(OnnxProto.Message.parse(packed));
    assertEquals("x", t.name());
    assertArrayEquals(new long[] {2, 3}, t.dims());
    assertArrayEquals(new double[] {1, -2, 3.5, 0, Double.NaN, 6}, t.values());
    byte[] unpacked = new Pb().integer(1, 2).integer(2, OnnxProto.FLOAT).fixed32(4, 0.25f).fixed32(4, -1).build();
    assertArrayEquals(new double[] {0.25, -1}, OnnxProto.tensor(OnnxProto.Message.parse(unpacked)).values());
  }

  @Test
  void readsInt64TensorsFromVarintsAndRawData() {
    byte[] varints = new Pb().integer(1, 3).integer(2, OnnxProto.INT64).packedVarints(7, -1, Long.MAX_VALUE, 5).build();
    assertArrayEquals(new long[] {-1, Long.MAX_VALUE, 5}, OnnxProto.tensor(OnnxProto.Message.parse(varints)).longs());
    ByteBuffer raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-7).putLong(1L << 40);
    byte[] rawMsg = new Pb().integer(1, 2).integer(2, OnnxProto.INT64).bytes(9, raw.array()).build();
    OnnxProto.Tensor t = OnnxProto.tensor(OnnxProto.Message.parse(rawMsg));
    assertArrayEquals(new long[] {-7, 1L << 40}, t.longs());
    assertArrayEquals(new double[] {-7, 1L << 40}, t.values());
  }

  @Test
  void readsAScalarBoolTensor() {
    byte[] b = new Pb().integer(2, OnnxProto.BOOL).bytes(9, new byte[] {1}).build();
    OnnxProto.Tensor t = OnnxProto.tensor(OnnxProto.Message.parse(b));
    assertEquals(0, t.dims().length);
    assertArrayEquals(new long[] {1}, t.longs());
  }

  @Test
  void readsAModelWithANodeAndItsAttributes() throws IOException {
    Pb node = new Pb().string(1, "x").string(1, "").string(1, "y").string(2, "z").string(4, "Gemm")
        .message(5, new Pb().string(1, "alpha").fixed32(2, 0.5f).integer(20, 1))
        .message(5, new Pb().string(1, "transA").integer(3, 1).integer(20, 2))
        .message(5, new Pb().string(1, "perm").packedVarints(8, 2, 0, 1).integer(20, 7))
        .message(5, new Pb().string(1, "mode").string(4, "edge").integer(20, 3));
    Pb tensorType = new Pb().message(1, new Pb().integer(1, OnnxProto.FLOAT));
    Pb graph = new Pb().message(1, node).message(11, new Pb().string(1, "x").message(2, tensorType))
        .message(11, new Pb().string(1, "y").message(2, tensorType)).message(12, new Pb().string(1, "z"))
        .message(5, new Pb().integer(1, 1).integer(2, OnnxProto.FLOAT).string(8, "w").packedFloats(4, 2));
    byte[] model = new Pb().integer(1, 8).message(8, new Pb().string(1, "").integer(2, 13)).message(7, graph).build();
    Path f = Files.createTempFile("onnx", ".onnx");
    try {
      Files.write(f, model);
      OnnxProto.Model m = OnnxProto.readModel(f);
      assertEquals(13, m.opset());
      assertEquals(java.util.List.of("x", "y"), m.inputs());
      assertEquals(java.util.List.of("z"), m.outputs());
      assertTrue(m.tensorsOnly());
      assertArrayEquals(new double[] {2}, m.initializers().get("w").values());
      OnnxProto.Node n = m.nodes().get(0);
      assertEquals("Gemm", n.opType());
      assertEquals(java.util.List.of("x", "", "y"), n.inputs());
      assertEquals(0.5, n.attributes().get("alpha").f());
      assertEquals(1, n.attributes().get("transA").i());
      assertArrayEquals(new long[] {2, 0, 1}, n.attributes().get("perm").ints());
      assertEquals("edge", n.attributes().get("mode").s());
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void rejectsTruncatedAndInconsistentInput() {
    assertThrows(IllegalArgumentException.class, () -> OnnxProto.Message.parse(new byte[] {0x0a, 5, 1}));
    assertThrows(IllegalArgumentException.class, () -> OnnxProto.Message.parse(new byte[] {(byte) 0x80}));
    byte[] tooFew = new Pb().integer(1, 3).integer(2, OnnxProto.FLOAT).packedFloats(4, 1, 2).build();
    assertThrows(IllegalArgumentException.class, () -> OnnxProto.tensor(OnnxProto.Message.parse(tooFew)));
  }

  @Test
  void readsARealTestInputWhenTheDataIsInstalled() throws IOException {
    Path p = OnnxConformanceTest.DATA.resolve("test_add/test_data_set_0/input_0.pb");
    assumeTrue(Files.exists(p), "no ONNX backend test data at " + OnnxConformanceTest.DATA);
    OnnxProto.Tensor t = OnnxProto.readTensor(p);
    assertEquals(OnnxProto.FLOAT, t.dataType());
    assertArrayEquals(new long[] {3, 4, 5}, t.dims());
    assertEquals(60, t.values().length);
  }

  @Test
  void comparisonHasTheToleranceAndNaNRules() {
    OnnxProto.Tensor e = new OnnxProto.Tensor("y", OnnxProto.FLOAT, new long[] {3},
        new double[] {1000, Double.NaN, Double.POSITIVE_INFINITY}, null);
    assertNull(OnnxConformanceTest.compare(e, Tensor.of(new float[] {1000.09f, Float.NaN, Float.POSITIVE_INFINITY}, 3)));
    assertTrue(OnnxConformanceTest.compare(e, Tensor.of(new float[] {1000.2f, Float.NaN, Float.POSITIVE_INFINITY}, 3))
        .startsWith("1 of 3 values differ"));
    assertTrue(OnnxConformanceTest.compare(e, Tensor.of(new float[] {1000, 0, Float.POSITIVE_INFINITY}, 3))
        .startsWith("1 of 3 values differ"));
    assertTrue(OnnxConformanceTest.compare(e, Tensor.of(new float[] {1000, Float.NaN, Float.POSITIVE_INFINITY}, 1, 3))
        .startsWith("shape"));
    assertTrue(OnnxConformanceTest.compare(e, Tensor.ofLongs(new long[] {1000, 0, 0}, 3)).startsWith("dtype"));
  }
}
