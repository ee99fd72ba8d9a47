package dev.nnet.backend.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import dev.nnet.check.TrainingPlan;
import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code nnet compile --target java}: writes a checked program as Java source that depends on the
 * nnet runtime jar only. For each {@code train} block of model {@code M} it writes four classes
 * into {@code packageName}:
 *
 * <ul>
 *   <li>{@code M}: the typed model: load it from a checkpoint ({@code M.load(path)}), initialize it
 *       as training would ({@code M.initialized(seed)}) or build it from named tensors, call {@code forward} on typed inputs (or on one row of floats),
 *       read parameters by name ({@code m.fc1Weight()}), train it with {@code trainStep};
 *   <li>{@code MStep}, {@code MEval}, {@code MPredict}: the training step, evaluation and
 *       prediction graphs, each a {@link dev.nnet.runtime.backend.CompiledGraph} (fed by name).
 * </ul>
 *
 * This is the entry point for build tools (the Maven plugin): one call per source file.
 */
public final class JavaTarget {
  private JavaTarget() {}

  /**
   * Checks {@code source} and writes its classes under {@code outDir} (as {@code
   * outDir/dev/example/M.java} for package {@code dev.example}).
   *
   * @return the files written
   * @throws JavaBackendError if the file has errors (the message lists them, as {@code
   *     file:line:col: message}) or a construct the java backend does not compile yet
   * @throws IOException if a file cannot be read or written
   */
  public static List<Path> generate(Path source, String packageName, Path outDir) throws IOException {
    Compiler.Result r = Compiler.check(new SourceFile(source.toString(), Files.readString(source)));
    if (r.hasErrors()) {
      throw new JavaBackendError(r.diagnostics().stream().filter(Diagnostic::isError)
          .map(d -> d.span() + ": " + d.message()).collect(Collectors.joining("\n")));
    }
    return generate(r, packageName, outDir);
  }

  /**
   * Writes the classes of every {@code train} block of a checked program (without errors) under
   * {@code outDir}.
   *
   * @return the files written
   * @throws JavaBackendError if the program has no {@code train} block or a construct the java
   *     backend does not compile yet
   */
  public static List<Path> generate(Compiler.Result result, String packageName, Path outDir) throws IOException {
    if (result.plans().isEmpty()) {
      throw new JavaBackendError(result.file().path() + " has no `train` block: the java target writes a class per "
          + "trained model; add a `train` block");
    }
    List<Path> written = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (TrainingPlan plan : result.plans()) {
      String name = plan.modelName();
      for (int k = 2; !names.add(name); k++) {
        name = plan.modelName() + k;
      }
      for (JavaFile file : files(plan, name, packageName, docComment(result.file(), plan))) {
        written.add(file.writeToPath(outDir));
      }
    }
    return written;
  }

  /** The four classes of one train block, the typed one first. */
  static List<JavaFile> files(TrainingPlan plan, String name, String packageName, String doc) {
    JavaFile step = JavaBackend.source(plan.step(), packageName, name + "Step",
        "The training step of {@code " + plan.modelName() + "}: parameters, state, optimizer state, a batch, "
            + "{@code lr}, {@code epoch} and {@code step} in; loss, metrics and the updated values out.\n");
    JavaFile eval = JavaBackend.source(plan.eval(), packageName, name + "Eval",
        "The evaluation graph of {@code " + plan.modelName() + "}: parameters and a batch in; loss and metrics out.\n");
    JavaFile predict = JavaBackend.source(plan.predict(), packageName, name + "Predict",
        "The prediction graph of {@code " + plan.modelName() + "}: parameters and the model's inputs in; its "
            + "output out.\n");
    JavaFile model = new ModelClassWriter(plan, name, doc, ClassName.get(packageName, name + "Step"),
        ClassName.get(packageName, name + "Predict")).write(packageName);
    return List.of(model, step, eval, predict);
  }

  /**
   * The comment lines ({@code ///} or {@code //}) right above the model's declaration, as the
   * class comment.
   */
  private static String docComment(SourceFile file, TrainingPlan plan) {
    if (plan.model() == null || plan.model().decl() == null) {
      return "";
    }
    int line = plan.model().decl().span().line();
    if (!plan.model().decl().span().file().equals(file.path())) {
      return "";
    }
    List<String> lines = new ArrayList<>();
    for (int n = line - 1; n >= 1; n--) {
      String text = file.line(n).strip();
      if (!text.startsWith("//")) {
        break;
      }
      lines.add(0, text.replaceFirst("^///?\\s?", ""));
    }
    return String.join("\n", lines).replace("*/", "*&#47;") + (lines.isEmpty() ? "" : "\n");
  }
}
