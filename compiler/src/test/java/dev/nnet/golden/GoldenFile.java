package dev.nnet.golden;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden files that {@code tools/golden/generate.py} writes from PyTorch into
 * {@code src/test/resources/golden/}: cases of attributes and tensors (see the script for the format).
 */
final class GoldenFile {
  private GoldenFile() {}

  /** One tensor of a case: its role ({@code in}, {@code out}, {@code grad}), name, dtype, shape, values. */
  record Row(String role, String name, DType dtype, int[] shape, double[] values) {
    /** The values as a tensor to feed (f32 values are float32 in the file, so this is exact). */
    Tensor tensor() {
      return switch (dtype) {
        case F32 -> Tensor.of(floats(), shape);
        case BOOL -> Tensor.ofBool(floats(), shape);
        case I64 -> Tensor.ofLongs(Arrays.stream(values).mapToLong(v -> (long) v).toArray(), shape);
      };
    }

    private float[] floats() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return f;
    }
  }

  /** A named case of one golden file. */
  record Case(String file, String name, Map<String, String> attrs, List<Row> rows) {
    String attr(String key) {
      String v = attrs.get(key);
      if (v == null) {
        throw new IllegalStateException(file + ": case `" + name + "` has no attr " + key);
      }
      return v;
    }

    List<Integer> intList(String key) {
      String v = attr(key).trim();
      return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(s -> Integer.parseInt(s.trim())).toList();
    }

    List<Row> rows(String role) {
      return rows.stream().filter(r -> r.role().equals(role)).toList();
    }

    Row row(String role, String tensorName) {
      return rows.stream().filter(r -> r.role().equals(role) && r.name().equals(tensorName)).findFirst()
          .orElseThrow(() -> new IllegalStateException(file + ": case `" + name + "` has no " + role + " " + tensorName));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The cases of {@code golden/<resource>}, in file order; fails if there are none. */
  static List<Case> load(String resource) {
    String text;
    try (InputStream in = GoldenFile.class.getClassLoader().getResourceAsStream("golden/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing golden file golden/" + resource + "; run tools/golden/generate.py");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Case> cases = parse(resource, text);
    if (cases.isEmpty()) {
      throw new IllegalStateException("golden/" + resource + " has no cases");
    }
    return cases;
  }

  static List<Case> parse(String file, String text) {
    List<Case> cases = new ArrayList<>();
    String name = null;
    Map<String, String> attrs = null;
    List<Row> rows = null;
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + lineNo;
      if (line.startsWith("case ")) {
        if (name != null) {
          throw new IllegalStateException(where + ": case `" + name + "` has no end");
        }
        name = line.substring(5).trim();
        attrs = new LinkedHashMap<>();
        rows = new ArrayList<>();
      } else if (name == null) {
        throw new IllegalStateException(where + ": expected `case`, got: " + line);
      } else if (line.startsWith("attr ")) {
        String rest = line.substring(5);
        int sp = rest.indexOf(' ');
        attrs.put(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1));
      } else if (line.startsWith("tensor ")) {
        rows.add(parseRow(where, line.trim().split(" +")));
      } else if (line.equals("end")) {
        cases.add(new Case(file, name, attrs, rows));
        name = null;
      } else {
        throw new IllegalStateException(where + ": cannot read: " + line);
      }
    }
    if (name != null) {
      throw new IllegalStateException(file + ": case `" + name + "` has no end");
    }
    return cases;
  }

  private static Row parseRow(String where, String[] t) {
    DType dtype = switch (t[3]) {
      case "f32" -> DType.F32;
      case "i64" -> DType.I64;
      case "bool" -> DType.BOOL;
      default -> throw new IllegalStateException(where + ": unknown dtype " + t[3]);
    };
    int[] shape = t[4].equals("scalar") ? new int[0] : Arrays.stream(t[4].split("x")).mapToInt(Integer::parseInt).toArray();
    double[] values = new double[t.length - 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = parseNumber(t[5 + i]);
    }
    if (values.length != Tensor.numel(shape)) {
      throw new IllegalStateException(where + ": " + t[2] + " has shape " + t[4] + " but " + values.length + " values");
    }
    return new Row(t[1], t[2], dtype, shape, values);
  }

  private static double parseNumber(String s) {
    return switch (s) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }
}
