package dev.nnet.maven;

import dev.nnet.driver.Compiler;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks every selected {@code .nnet} file (syntax, names, shapes, dtypes, data and training
 * setup, without reading data files) and fails the build on an error, or on a warning with
 * {@code failOnWarning}. Diagnostics are logged as {@code file:line:col: error[CODE]: message}.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public final class CheckMojo extends NnetSourcesMojo {
  /** Fails the build when a file has warnings, not only errors. */
  @Parameter(defaultValue = "false", property = "nnet.failOnWarning")
  boolean failOnWarning;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("nnet: check skipped");
      return;
    }
    long errors = 0;
    long warnings = 0;
    var files = sources();
    for (Path file : files) {
      Compiler.Result result = check(file);
      errors += count(result, true);
      warnings += count(result, false);
    }
    getLog().info("nnet: checked " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " in "
        + sourceDirectory + ": " + errors + " error" + (errors == 1 ? "" : "s") + ", " + warnings + " warning"
        + (warnings == 1 ? "" : "s"));
    if (errors > 0 || failOnWarning && warnings > 0) {
      throw new MojoFailureException("nnet: " + (errors > 0 ? errors + " error" + (errors == 1 ? "" : "s")
          : warnings + " warning" + (warnings == 1 ? "" : "s") + " (failOnWarning is set)") + " in " + sourceDirectory
          + "; see the messages above");
    }
  }
}
