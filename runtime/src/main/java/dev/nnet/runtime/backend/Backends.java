package dev.nnet.runtime.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The backends available in this process, by name: the reference interpreter first, then every
 * {@link Backend} registered as a {@link ServiceLoader} service ({@code META-INF/services/
 * dev.nnet.runtime.backend.Backend}). A backend in another module joins {@code --backend} and the
 * test suites that run every backend by registering itself there; nothing here names it.
 */
public final class Backends {
  private Backends() {}

  /** The reference interpreter, which {@code --backend} selects by default. */
  public static Backend reference() {
    return Registry.ALL.get(ReferenceBackend.NAME);
  }

  /** Every available backend, the reference first. */
  public static List<Backend> all() {
    return List.copyOf(Registry.ALL.values());
  }

  /** Their names, in the order of {@link #all()}. */
  public static List<String> names() {
    return new ArrayList<>(Registry.ALL.keySet());
  }

  /** The backend called {@code name}, if there is one. */
  public static Optional<Backend> named(String name) {
    return Optional.ofNullable(Registry.ALL.get(name));
  }

  /** Loaded once, on first use: the set of backends does not change while running. */
  private static final class Registry {
    static final Map<String, Backend> ALL = load();

    private static Map<String, Backend> load() {
      Map<String, Backend> all = new LinkedHashMap<>();
      all.put(ReferenceBackend.NAME, new ReferenceBackend());
      for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
        all.putIfAbsent(b.name(), b);
      }
      return java.util.Collections.unmodifiableMap(all);
    }
  }
}
