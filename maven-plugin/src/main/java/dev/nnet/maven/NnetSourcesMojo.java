package dev.nnet.maven;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Parameter;

/** What both goals share: which {@code .nnet} files to read, and how a file's diagnostics reach the build log. */
abstract class NnetSourcesMojo extends AbstractMojo {
  /** The folder of the {@code .nnet} sources; a sub-folder is a Java package for {@code generate}. */
  @Parameter(defaultValue = "${project.basedir}/src/main/nnet", property = "nnet.sourceDirectory", required = true)
  File sourceDirectory;

  /** Ant patterns of the files to read, relative to {@link #sourceDirectory}; default {@code **}{@code /*.nnet}. */
  @Parameter
  List<String> includes;

  /** Ant patterns of files to leave out, relative to {@link #sourceDirectory}. */
  @Parameter
  List<String> excludes;

  /** Skips the goal. */
  @Parameter(defaultValue = "false", property = "nnet.skip")
  boolean skip;

  /** The selected source files, relative to {@link #sourceDirectory}. */
  List<Path> sources() {
    return new SourceSelection(sourceDirectory.toPath(), includes, excludes).files();
  }

  /**
   * Checks one file (data declarations and train blocks included; no data file is read) and logs
   * each diagnostic as {@code file:line:col: error[CODE]: message} followed by the source lines it
   * points at, as errors or warnings.
   */
  Compiler.Result check(Path relative) throws MojoExecutionException {
    Path file = sourceDirectory.toPath().resolve(relative);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MojoExecutionException("nnet: cannot read " + file + ": " + e.getMessage(), e);
    }
    Compiler.Result result = Compiler.check(new SourceFile(file.toString(), text), true);
    DiagnosticRenderer renderer = new DiagnosticRenderer(result.sources()::get, false);
    Log log = getLog();
    for (Diagnostic d : result.diagnostics()) {
      String rendered = renderer.render(d);
      // The renderer's first line is the header; the build log gets the one-line form tools parse.
      String body = rendered.indexOf('\n') < 0 ? "" : rendered.substring(rendered.indexOf('\n') + 1).stripTrailing();
      String message = d.oneLine() + (body.isEmpty() ? "" : "\n" + body);
      if (d.isError()) {
        log.error(message);
      } else {
        log.warn(message);
      }
    }
    return result;
  }

  /** Counts the errors and warnings of a file's check. */
  static long count(Compiler.Result result, boolean errors) {
    return result.diagnostics().stream().filter(d -> d.isError() == errors).count();
  }
}
