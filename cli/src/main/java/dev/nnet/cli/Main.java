package dev.nnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nnet} command. Exit codes: 0 success, 1 diagnostics or a failed run, 2 usage. */
@Command(name = "nnet", mixinStandardHelpOptions = true, version = "nnet 0.1.0",
    description = "Check, compile and train neural networks written in .nnet.",
    subcommands = {CheckCommand.class, SummaryCommand.class, CompileCommand.class, TrainCommand.class,
        EvalCommand.class, PredictCommand.class, ExportCommand.class, LspCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command, such as `nnet train FILE`");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests: no System.exit). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("nnet: " + ex.getMessage());
      return 1;
    });
    return cl.execute(args);
  }
}
