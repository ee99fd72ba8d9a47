package dev.nnet.backend.java;

import dev.nnet.ir.Graph;
import dev.nnet.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources with {@link javax.tools.JavaCompiler} in memory and loads them, with
 * the runtime (and the IR it brings) as the only class path: generated code never sees the
 * compiler. With {@code strict}, every lint warning is an error, which is how the tests prove
 * that generated code compiles without warnings.
 */
final class InMemoryCompiler {
  private InMemoryCompiler() {}

  /**
   * Compiles {@code sources} (binary class name to source) and returns a loader that defines them.
   *
   * @throws IllegalStateException when javac rejects the code: a bug of the generator, reported
   *     with javac's messages
   */
  static ClassLoader compile(Map<String, String> sources, boolean strict) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new JavaBackendError("the java backend needs a JDK (javax.tools.JavaCompiler), but this Java runtime "
          + "has no compiler; run nnet on a JDK or use `--backend reference`");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    ForwardingJavaFileManager<StandardJavaFileManager> files = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
          FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
          }
        };
      }
    };
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, text) -> units.add(
        new SimpleJavaFileObject(URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
          }
        }));
    List<String> options = new ArrayList<>(List.of("--release", "17", "-classpath", classPath(), "-g:source,lines"));
    if (strict) {
      options.addAll(List.of("-Xlint:all", "-Werror"));
    }
    boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
    if (!ok) {
      String messages = diagnostics.getDiagnostics().stream()
          .map(d -> d.getKind() + " at line " + d.getLineNumber() + ": " + d.getMessage(null)
              + (d.getKind() == Diagnostic.Kind.ERROR ? "\n    " + sourceLine(sources, d) : ""))
          .collect(Collectors.joining("\n"));
      throw new IllegalStateException("generated Java does not compile (a bug of the java backend):\n" + messages);
    }
    Map<String, byte[]> bytes = new HashMap<>();
    classes.forEach((k, v) -> bytes.put(k, v.toByteArray()));
    return new ClassLoader(InMemoryCompiler.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = bytes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
  }

  private static String sourceLine(Map<String, String> sources, Diagnostic<? extends JavaFileObject> d) {
    String name = d.getSource() == null ? "" : d.getSource().getName();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      if (name.endsWith(e.getKey().replace('.', '/') + ".java")) {
        String[] lines = e.getValue().split("\n", -1);
        long line = d.getLineNumber();
        return line >= 1 && line <= lines.length ? lines[(int) line - 1].strip() : "";
      }
    }
    return "";
  }

  /** Where the runtime and IR classes come from (jars or class directories), as a class path. */
  private static String classPath() {
    return List.of(Tensor.class, Graph.class).stream().map(InMemoryCompiler::location).distinct()
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot find where " + c.getName() + " was loaded from", e);
    }
  }
}
