package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnet.check.Compiler;
import dev.nnet.diag.SourceFile;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.exec.Executor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/** Loads and checks an example file (tests run in the examples module directory). */
final class ExampleFiles {
  private ExampleFiles() {}

  static Compiler.Result check(String path) throws IOException {
    Path file = Path.of(path);
    Compiler.Result r = Compiler.check(new SourceFile(file.toString(), Files.readString(file)));
    assertFalse(r.hasErrors(), () -> path + ": " + r.diagnostics());
    return r;
  }

  /** Runs a standalone model's forward graph on one input named {@code x}. */
  static Tensor forward(Compiler.Result r, String model, Tensor x, Map<String, Tensor> params) {
    java.util.Map<String, Tensor> feeds = new java.util.LinkedHashMap<>(params);
    feeds.put("x", x);
    var graph = r.models().stream().filter(m -> m.decl().name().equals(model)).findFirst().orElseThrow().traced();
    return new Executor(graph).run(feeds, new SplittableRandom(0)).get("forward");
  }
}
