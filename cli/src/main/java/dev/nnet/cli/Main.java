package dev.nnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nnet} command. Exit codes: 0 success, 1 diagnostics or a failed run, 2 usage. */
@Command(name = "nnet", mixinStandardHelpOptions = true, version = "nnet 0.1.0",
    description = "Check, compile and train neural networks written in .nnet.",
    subcommands = {CheckCommand.class, SummaryCommand.class, CompileCommand.class, TrainCommand.class,
        EvalCommand.class, PredictCommand.class, LspCommand.class, CommandLine.HelpCommand.class})
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
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // Never a stack trace on the terminal: the checker reports these itself, training may not.
      System.err.println("nnet: " + (e instanceof OutOfMemoryError
          ? "ran out of memory; run java with a larger heap (-Xmx)" : "ran out of stack; run java with a larger one (-Xss)"));
      return 1;
    }
  }
}
