package dev.nnet.cli;

import dev.nnet.driver.Compiler;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.SourceFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads a .nnet file, checks it, and prints its diagnostics the way every command does. */
final class SourceLoading {
  private SourceLoading() {}

  /** Checks {@code file}; prints diagnostics to {@code err}; returns null if the file cannot be read. */
  static Compiler.Result check(Path file, boolean lowerTraining, PrintStream err) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println("nnet: cannot read " + file + ": " + (Files.exists(file) ? e.getMessage() : "no such file"));
      return null;
    }
    Compiler.Result result = Compiler.check(new SourceFile(file.toString(), text), lowerTraining);
    for (Diagnostic d : result.diagnostics()) {
      print(d, result.sources(), err);
    }
    long errors = result.diagnostics().stream().filter(Diagnostic::isError).count();
    if (errors > 0) {
      err.println(errors + " error" + (errors == 1 ? "" : "s") + " in " + file);
    }
    return result;
  }

  /** Prints one diagnostic with the source lines it points at, in color on a terminal. */
  static void print(Diagnostic d, Map<String, SourceFile> sources, PrintStream err) {
    boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
    err.print(new DiagnosticRenderer(sources::get, color).render(d));
    err.println();
  }
}
