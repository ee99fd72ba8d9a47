package dev.nnet.runtime.exec;

/**
 * Whether the kernels written with the incubating Vector API ({@link VectorSgemm},
 * {@link VectorElementwise}) may run: only when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (the {@code ./nnet} launcher and the tests do), the preferred vector holds
 * at least four floats, and {@code -Dnnet.vector=false} was not given. Otherwise the plain-Java
 * loops run, and those classes are never loaded (loading them without the module would fail).
 */
final class VectorApi {
  static final boolean AVAILABLE = detect();

  private VectorApi() {}

  private static boolean detect() {
    if (!Boolean.parseBoolean(System.getProperty("nnet.vector", "true"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      return VectorSgemm.usable();
    } catch (LinkageError e) {
      return false;
    }
  }
}
