package dev.nnet.cli;

import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.backend.Backends;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --backend NAME}: a registered backend; any other name is a usage error listing them. */
final class BackendConverter implements ITypeConverter<Backend> {
  /** The option's description, shared by the commands that run graphs. */
  static final String DESCRIPTION = "what runs the graphs: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})";

  @Override
  public Backend convert(String name) {
    return Backends.named(name).orElseThrow(() -> new TypeConversionException("unknown backend `" + name
        + "`; available: " + String.join(", ", Backends.names())));
  }

  /** The names picocli lists in help and completion. */
  static final class Names implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Backends.names().iterator();
    }
  }
}
