package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the warnings (lints from the course material) found while tracing. A program is traced
 * more than once (on its own, for training, for evaluation), so a warning is kept once per code and
 * place.
 */
final class Lints {
  private final Map<String, Diagnostic> found = new LinkedHashMap<>();

  void warn(Diagnostic d) {
    found.putIfAbsent(d.code().id() + "@" + d.span(), d);
  }

  List<Diagnostic> all() {
    return new ArrayList<>(found.values());
  }
}
