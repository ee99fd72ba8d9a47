package dev.nnet.cli;

import dev.nnet.backend.java.JavaTarget;
import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.opt.FusionGroups;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile", mixinStandardHelpOptions = true,
    description = "Compile a file: print the graph IR of each train block, or write it as Java (--target java).")
final class CompileCommand implements Callable<Integer> {
  enum Emit { ir, ir_eval }

  enum Target { java }

  @Parameters(paramLabel = "FILE", description = "a .nnet file")
  Path file;

  @Option(names = "--emit", defaultValue = "ir",
      description = "what to print: ${COMPLETION-CANDIDATES} (ir = the training step with gradients and updates; "
          + "ir_eval = the evaluation graph), after the optimization passes, with a `# group k (kind): %a %b` "
          + "comment before each fusion group's first node")
  Emit emit;

  @Option(names = "--target",
      description = "write source for a target instead of printing IR: ${COMPLETION-CANDIDATES} (per train block of "
          + "model M: the typed class M with forward, trainStep, load and parameter accessors, and the graph classes "
          + "MStep, MEval, MPredict; they need only the nnet runtime jar)")
  Target target;

  @Option(names = "-d", paramLabel = "DIR", defaultValue = ".",
      description = "with --target: the directory the package's folders are written under (default: ${DEFAULT-VALUE})")
  Path outDir;

  @Option(names = "--package", paramLabel = "NAME", defaultValue = "nnet.generated",
      description = "with --target java: the Java package of the classes (default: ${DEFAULT-VALUE})")
  String packageName;

  @Override
  public Integer call() {
    Compiler.Result r = SourceLoading.check(file, true, System.err);
    if (r == null || r.hasErrors()) {
      return 1;
    }
    if (r.plans().isEmpty()) {
      System.err.println("nnet: " + file + " has no `train` block to compile");
      return 1;
    }
    if (target == Target.java) {
      try {
        for (Path written : JavaTarget.generate(r, packageName, outDir)) {
          System.out.println(written);
        }
      } catch (IOException e) {
        System.err.println("nnet: cannot write the Java sources under " + outDir + ": " + e.getMessage());
        return 1;
      }
      return 0;
    }
    for (TrainingPlan p : r.plans()) {
      System.out.println("// " + p.modelName() + ": " + (emit == Emit.ir ? "training step" : "evaluation"));
      System.out.print(FusionGroups.plan(emit == Emit.ir ? p.step() : p.eval()).dump());
    }
    return 0;
  }
}
