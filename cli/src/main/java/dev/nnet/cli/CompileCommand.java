package dev.nnet.cli;

import dev.nnet.driver.Compiler;
import dev.nnet.check.TrainingPlan;
import dev.nnet.opt.FusionGroups;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile", mixinStandardHelpOptions = true,
    description = "Compile a file and print an intermediate form (today: the graph IR of each train block).")
final class CompileCommand implements Callable<Integer> {
  enum Emit { ir, ir_eval }

  @Parameters(paramLabel = "FILE", description = "a .nnet file")
  Path file;

  @Option(names = "--emit", defaultValue = "ir",
      description = "what to print: ${COMPLETION-CANDIDATES} (ir = the training step with gradients and updates; "
          + "ir_eval = the evaluation graph), after the optimization passes, with a `# group k (kind): %a %b` "
          + "comment before each fusion group's first node")
  Emit emit;

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
    for (TrainingPlan p : r.plans()) {
      System.out.println("// " + p.modelName() + ": " + (emit == Emit.ir ? "training step" : "evaluation"));
      System.out.print(FusionGroups.plan(emit == Emit.ir ? p.step() : p.eval()).dump());
    }
    return 0;
  }
}
