package dev.nnet.maven;

import dev.nnet.backend.java.JavaBackendError;
import dev.nnet.backend.java.JavaTarget;
import dev.nnet.driver.Compiler;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Compiles every selected {@code .nnet} file to Java sources (one typed class per trained model,
 * plus its step, evaluation and prediction graphs) under {@code outputDirectory}, and adds that
 * folder to the project's source roots. A file in a sub-folder of the source directory lands in the
 * package of that folder ({@code models/mlp.nnet} in {@code models}), unless {@code packageName}
 * sets one package for all.
 *
 * <p>Incremental: a file whose text (and the plugin version and package) is unchanged since the
 * last run, and whose outputs are all still there, is not generated again; the outputs of a file
 * that was deleted or is no longer selected are deleted.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends NnetSourcesMojo {
  /** Where the Java sources go; added to the project's compile source roots. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/nnet", property = "nnet.outputDirectory",
      required = true)
  File outputDirectory;

  /** One Java package for every generated class; by default each file's sub-folder is its package. */
  @Parameter(property = "nnet.packageName")
  String packageName;

  /** Where the record of the last generation is kept (what {@code generate} skips next time). */
  @Parameter(defaultValue = "${project.build.directory}/nnet-maven-plugin/generate.state", readonly = true)
  File stateFile;

  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  String pluginVersion;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("nnet: generate skipped");
      return;
    }
    Path out = outputDirectory.toPath();
    GenerationState state = GenerationState.read(stateFile.toPath());
    List<Path> files = sources();
    List<String> selected = new ArrayList<>();
    int generated = 0;
    int unchanged = 0;
    long errors = 0;
    try {
      for (Path file : files) {
        String key = file.toString().replace(File.separatorChar, '/');
        selected.add(key);
        String pkg = packageOf(file);
        String text = Files.readString(sourceDirectory.toPath().resolve(file), StandardCharsets.UTF_8);
        String digest = GenerationState.digest(text, pluginVersion, pkg);
        if (state.upToDate(key, digest, out)) {
          unchanged++;
          continue;
        }
        Compiler.Result result = check(file);
        if (result.hasErrors()) {
          errors += count(result, true);
          continue;
        }
        List<Path> written;
        try {
          written = JavaTarget.generate(result, pkg, out);
        } catch (JavaBackendError e) {
          getLog().error(sourceDirectory.toPath().resolve(file) + ": " + e.getMessage());
          errors++;
          continue;
        }
        List<String> outputs = written.stream().map(p -> out.relativize(p).toString().replace(File.separatorChar, '/'))
            .toList();
        GenerationState.Entry before = state.get(key);
        if (before != null) {
          deleteAll(out, before.outputs().stream().filter(o -> !outputs.contains(o)).toList());
        }
        state.put(key, new GenerationState.Entry(digest, outputs));
        generated++;
      }
      int deleted = 0;
      for (String gone : state.sources()) {
        if (!selected.contains(gone)) {
          deleteAll(out, state.remove(gone).outputs());
          deleted++;
        }
      }
      state.write(stateFile.toPath());
      getLog().info("nnet: " + generated + " file" + (generated == 1 ? "" : "s") + " generated, " + unchanged
          + " unchanged" + (deleted > 0 ? ", outputs of " + deleted + " removed file" + (deleted == 1 ? "" : "s")
          + " deleted" : "") + " (" + out + ")");
    } catch (IOException e) {
      throw new MojoExecutionException("nnet: " + e.getMessage(), e);
    }
    project.addCompileSourceRoot(out.toString());
    if (errors > 0) {
      throw new MojoFailureException("nnet: " + errors + " error" + (errors == 1 ? "" : "s") + " in " + sourceDirectory
          + "; see the messages above");
    }
  }

  /** The Java package of a source file: {@link #packageName}, or its folder below the source directory. */
  private String packageOf(Path relative) throws MojoFailureException {
    if (packageName != null && !packageName.isBlank()) {
      return packageName;
    }
    Path folder = relative.getParent();
    if (folder == null) {
      return "";
    }
    String pkg = folder.toString().replace(File.separatorChar, '.');
    for (String part : pkg.split("\\.")) {
      if (!javax.lang.model.SourceVersion.isIdentifier(part) || javax.lang.model.SourceVersion.isKeyword(part)) {
        throw new MojoFailureException("nnet: the folder of " + sourceDirectory.toPath().resolve(relative)
            + " is not a Java package name (`" + part + "`); rename the folder or set <packageName>");
      }
    }
    return pkg;
  }

  /** Deletes generated files (relative to {@code out}) and the folders they leave empty. */
  private static void deleteAll(Path out, List<String> outputs) throws IOException {
    for (String o : outputs) {
      Path p = out.resolve(o);
      Files.deleteIfExists(p);
      for (Path dir = p.getParent(); dir != null && !dir.equals(out) && dir.startsWith(out); dir = dir.getParent()) {
        try (var entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            break;
          }
        }
        Files.delete(dir);
      }
    }
  }
}
