package dev.nnet.cli;

import dev.nnet.check.Compiler;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.SourceFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
    boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
    DiagnosticRenderer renderer = new DiagnosticRenderer(result.sources()::get, color);
    for (Diagnostic d : result.diagnostics()) {
      err.print(renderer.render(d));
      err.println();
    }
    long errors = result.diagnostics().stream().filter(Diagnostic::isError).count();
    if (errors > 0) {
      err.println(errors + " error" + (errors == 1 ? "" : "s") + " in " + file);
    }
    return result;
  }
}
