package dev.nnet.backend.java;

import com.palantir.javapoet.JavaFile;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.CompiledGraph;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java backend ({@code --backend java}): each graph becomes a Java class
 * ({@link GraphClassWriter}) that is compiled in memory with the JDK's compiler and loaded; its
 * instance is the {@link CompiledGraph}. Registered as a {@link java.util.ServiceLoader} service,
 * so {@code Backends.all()} lists it and the suites that run every backend run it.
 *
 * <p>Compiled classes are cached by the graph's text, so compiling the same graph again (the data
 * loader's field graph per chunk size, a test per backend) costs nothing. Set the system property
 * {@code nnet.java.werror=true} to compile generated code with {@code -Xlint:all -Werror} (the
 * tests do, so a warning in generated code fails them), and {@code nnet.java.dump=DIR} to write
 * each generated class's source under DIR.
 */
public final class JavaBackend implements Backend {
  /** The name {@code --backend} knows it by. */
  public static final String NAME = "java";
  /** The package of classes generated for {@link #compile}. */
  static final String PACKAGE = "dev.nnet.generated";

  private final Map<String, Constructor<? extends CompiledGraph>> cache = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Generates, compiles and loads {@code graph}.
   *
   * @throws JavaBackendError if the graph has an op this backend does not compile yet (its message
   *     names the source location and suggests {@code --backend reference})
   */
  @Override
  public CompiledGraph compile(Graph graph, Signature signature) {
    signature.validate(graph);
    Constructor<? extends CompiledGraph> make = cache.computeIfAbsent(graph.dump(), text -> load(graph, text));
    try {
      return make.newInstance(signature);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot instantiate generated class " + make.getDeclaringClass().getName(), e);
    }
  }

  /** Java source of {@code graph} as the class {@code packageName.className}. */
  static JavaFile source(Graph graph, String packageName, String className, String javadoc) {
    return new GraphClassWriter(graph).write(packageName, className, javadoc);
  }

  private static Constructor<? extends CompiledGraph> load(Graph graph, String graphText) {
    String className = "Graph" + Integer.toHexString(graphText.hashCode()).toUpperCase();
    JavaFile file = source(graph, PACKAGE, className, "A graph compiled by the java backend.\n");
    String name = PACKAGE + "." + className;
    String dump = System.getProperty("nnet.java.dump");
    if (dump != null && !dump.isBlank()) {
      try {
        file.writeTo(java.nio.file.Path.of(dump));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    ClassLoader loader = InMemoryCompiler.compile(Map.of(name, file.toString()), Boolean.getBoolean("nnet.java.werror"));
    try {
      return loader.loadClass(name).asSubclass(CompiledGraph.class).getConstructor(Signature.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new IllegalStateException("generated class " + name + " did not load", e);
    }
  }
}
