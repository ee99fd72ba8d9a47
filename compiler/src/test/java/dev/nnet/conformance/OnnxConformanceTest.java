package dev.nnet.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnet.driver.Compiler;
import dev.nnet.check.LayerInstance;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.SourceFile;
import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.interpreter.Executor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * ONNX backend-test conformance: a second oracle that nobody here wrote. Each case of ONNX's node
 * tests (Debian's {@code libonnx-testdata}: {@code <case>/model.onnx}, a one-node model, and
 * {@code test_data_set_0/input_*.pb, output_*.pb}) whose op the harness maps is translated by
 * {@link OnnxToNnet} into a .nnet model with concrete shapes, e.g.
 * {@code model Golden() { forward(x0: [3, 4, 5], x1: [5]) = (x0 + x1) }}, checked by the real
 * checker, and its traced forward graph is run by the reference executor; the output must match
 * ONNX's within rtol 1e-4, atol 1e-5 (NaN matches NaN, infinities must be equal).
 *
 * <p>The two lists under {@code src/test/resources/onnx/} are the record of conformance:
 * {@code expected.txt} names every case that must pass ({@link #listedCasesPass}), and
 * {@code known-failures.txt} every other case of a mapped op, with a one-line reason.
 * {@link #everyCaseOfAMappedOpIsListed} fails when a case is in neither list, in both, no longer
 * exists, or is listed as failing but passes. Run with {@code -Donnx.update=true} to rewrite both
 * lists from the current outcomes (then review the diff). Without the data directory (override with
 * {@code -Donnx.data=DIR}) both tests are skipped, with the reason.
 */
class OnnxConformanceTest {
  static final Path DATA = Path.of(System.getProperty("onnx.data", "/usr/include/onnx/backend/test/data/node"));
  static final Path LISTS = Path.of("src/test/resources/onnx");
  static final double RTOL = 1e-4;
  static final double ATOL = 1e-5;

  /** The result of one case: null reason when it passed. */
  record Outcome(String op, String reason, String source) {
    boolean passed() {
      return reason == null;
    }
  }

  private static void assumeData() {
    assumeTrue(Files.isDirectory(DATA), "no ONNX backend test data at " + DATA
        + " (install Debian's libonnx-testdata, or point -Donnx.data at .../backend/test/data/node)");
  }

  @TestFactory
  Stream<DynamicTest> listedCasesPass() {
    if (!Files.isDirectory(DATA)) { // one skipped test that says why (an aborted factory is easy to miss)
      return Stream.of(DynamicTest.dynamicTest("ONNX test data", OnnxConformanceTest::assumeData));
    }
    return readList("expected.txt").keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      Path dir = DATA.resolve(name);
      assertTrue(Files.isDirectory(dir), name + " is listed in expected.txt but is no longer in " + DATA);
      Outcome o = run(dir);
      if (!o.passed()) {
        fail(name + " (" + o.op() + "): " + o.reason() + "\n" + o.source());
      }
    }));
  }

  @Test
  void everyCaseOfAMappedOpIsListed() throws IOException {
    assumeData();
    Map<String, String> expected = readList("expected.txt");
    Map<String, String> known = readList("known-failures.txt");
    List<String> problems = new ArrayList<>();
    Map<String, String> newExpected = new TreeMap<>();
    Map<String, String> newKnown = new TreeMap<>();
    List<String> names;
    try (Stream<Path> s = Files.list(DATA)) {
      names = s.filter(p -> Files.exists(p.resolve("model.onnx"))).map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String name : names) {
      String op = mappedOp(DATA.resolve(name));
      if (op == null) {
        continue;
      }
      boolean inExpected = expected.containsKey(name);
      boolean inKnown = known.containsKey(name);
      if (inExpected && inKnown) {
        problems.add(name + " is in both expected.txt and known-failures.txt");
      }
      Outcome o = inExpected && !update() ? null : run(DATA.resolve(name));
      if (o != null) {
        if (o.passed()) {
          newExpected.put(name, "");
        } else {
          newKnown.put(name, reasonLine(o));
        }
      } else {
        newExpected.put(name, "");
      }
      if (!inExpected && !inKnown) {
        problems.add(name + " (" + op + ") is in neither list; it " + (o.passed() ? "passes: add it to expected.txt"
            : "fails: add it to known-failures.txt with a reason: " + reasonLine(o)));
      } else if (inKnown && o.passed()) {
        problems.add(name + " is in known-failures.txt but passes now: move it to expected.txt");
      }
    }
    for (String name : known.keySet()) {
      if (!names.contains(name)) {
        problems.add(name + " is in known-failures.txt but is no longer in " + DATA);
      } else if (mappedOp(DATA.resolve(name)) == null) {
        problems.add(name + " is in known-failures.txt but its op is not mapped");
      }
    }
    if (update()) {
      writeList("expected.txt", "ONNX node test cases that must pass (see OnnxConformanceTest).", newExpected);
      writeList("known-failures.txt", "ONNX node test cases of mapped ops that do not pass, with the reason.", newKnown);
      System.out.println("onnx: wrote " + newExpected.size() + " passing and " + newKnown.size() + " failing cases");
      return;
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " problem(s) with the ONNX conformance lists:\n  " + String.join("\n  ", problems));
    }
  }

  private static boolean update() {
    return Boolean.getBoolean("onnx.update");
  }

  /** The known-failures reason for an outcome, on one line. */
  static String reasonLine(Outcome o) {
    String r = o.reason().replaceAll("\\s+", " ").trim();
    return r.length() > 240 ? r.substring(0, 240) + "..." : r;
  }

  /** The op of a case the harness maps (a one-node model of a mapped op), else null. */
  static String mappedOp(Path dir) {
    try {
      OnnxProto.Model m = OnnxProto.readModel(dir.resolve("model.onnx"));
      if (m.nodes().size() != 1 || !m.tensorsOnly()) {
        return null; // several nodes (an expanded function) or sequences/optionals: out of scope
      }
      OnnxProto.Node n = m.nodes().get(0);
      boolean defaultDomain = n.domain().isEmpty() || n.domain().equals("ai.onnx");
      return defaultDomain && OnnxToNnet.SUPPORTED.contains(n.opType()) ? n.opType() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Translates, checks and runs one case, and compares its output; never throws for a failing case. */
  static Outcome run(Path dir) {
    String op = "?";
    String source = "";
    try {
      OnnxProto.Model m = OnnxProto.readModel(dir.resolve("model.onnx"));
      op = m.nodes().isEmpty() ? "?" : m.nodes().get(0).opType();
      Path set = dir.resolve("test_data_set_0");
      Map<String, OnnxProto.Tensor> values = new LinkedHashMap<>();
      List<String> graphInputs = m.inputs().stream().filter(n -> !m.initializers().containsKey(n)).toList();
      for (int i = 0; Files.exists(set.resolve("input_" + i + ".pb")); i++) {
        OnnxProto.Tensor t = OnnxProto.readTensor(set.resolve("input_" + i + ".pb"));
        values.put(t.name().isEmpty() ? graphInputs.get(i) : t.name(), t);
      }
      values.putAll(m.initializers());
      OnnxProto.Tensor expected = OnnxProto.readTensor(set.resolve("output_0.pb"));
      OnnxToNnet.Snippet s;
      try {
        s = OnnxToNnet.translate(m, values);
      } catch (OnnxToNnet.Unsupported u) {
        return new Outcome(op, "not expressible: " + u.getMessage(), "");
      }
      source = s.source();
      Compiler.Result r = Compiler.check(new SourceFile("onnx.nnet", source), false);
      if (r.hasErrors()) {
        Diagnostic d = r.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
        return new Outcome(op, "does not check: " + d.code().id() + " " + d.message(), source);
      }
      LayerInstance model = r.models().isEmpty() ? null : r.models().get(0);
      if (model == null || model.traced() == null) {
        return new Outcome(op, "the checker kept no traced graph", source);
      }
      Map<String, Tensor> feeds = new LinkedHashMap<>();
      s.feeds().forEach((name, t) -> feeds.put(name, toNnet(t)));
      Tensor actual;
      try {
        actual = new Executor(model.traced()).run(feeds, 0).get("forward");
      } catch (RuntimeException e) {
        return new Outcome(op, "runtime error: " + e, source);
      }
      String diff = compare(expected, actual);
      return new Outcome(op, diff, source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      return new Outcome(op, "harness error: " + e, source);
    }
  }

  static Tensor toNnet(OnnxProto.Tensor t) {
    int[] shape = Arrays.stream(t.dims()).mapToInt(Math::toIntExact).toArray();
    switch (t.dataType()) {
      case OnnxProto.INT64:
        return Tensor.ofLongs(t.longs().clone(), shape);
      case OnnxProto.FLOAT:
      case OnnxProto.BOOL: {
        float[] f = new float[t.values().length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) t.values()[i];
        }
        return t.dataType() == OnnxProto.BOOL ? Tensor.ofBool(f, shape) : Tensor.of(f, shape);
      }
      default:
        throw new IllegalArgumentException("no nnet tensor of " + OnnxProto.typeName(t.dataType()));
    }
  }

  /** null when {@code actual} matches; else what differs, with up to 4 values. */
  static String compare(OnnxProto.Tensor expected, Tensor actual) {
    int[] shape = Arrays.stream(expected.dims()).mapToInt(Math::toIntExact).toArray();
    if (!Arrays.equals(shape, actual.shape())) {
      return "shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(shape);
    }
    DType dtype = switch (expected.dataType()) {
      case OnnxProto.FLOAT -> DType.F32;
      case OnnxProto.INT64 -> DType.I64;
      case OnnxProto.BOOL -> DType.BOOL;
      default -> null;
    };
    if (dtype != actual.dtype()) {
      return "dtype " + actual.dtype() + ", expected " + OnnxProto.typeName(expected.dataType());
    }
    List<String> bad = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < expected.values().length; i++) {
      double e = expected.values()[i];
      double a = actual.getFlat(i);
      if (!close(e, a)) {
        count++;
        if (bad.size() < 4) {
          bad.add("[" + i + "] expected " + e + ", actual " + a);
        }
      }
    }
    return count == 0 ? null : count + " of " + expected.values().length + " values differ: " + String.join("; ", bad);
  }

  static boolean close(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      return expected == actual;
    }
    return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
  }

  /** A list file: one case per line, optionally followed by whitespace and a reason; # comments. */
  static Map<String, String> readList(String file) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      Path p = LISTS.resolve(file);
      if (!Files.exists(p)) {
        return out;
      }
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        String[] parts = l.split("\\s+", 2);
        out.put(parts[0], parts.length > 1 ? parts[1] : "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void writeList(String file, String header, Map<String, String> entries) throws IOException {
    StringBuilder sb = new StringBuilder("# " + header + "\n# Regenerate with -Donnx.update=true and review the diff.\n");
    entries.forEach((name, reason) -> sb.append(reason.isEmpty() ? name : name + "  " + reason).append('\n'));
    Files.writeString(LISTS.resolve(file), sb.toString(), StandardCharsets.UTF_8);
  }
}
