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
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // The checks before training estimate memory; this is the last resort when the estimate was
      // short (a kernel's scratch space, fragmentation): a message, never a stack trace.
      System.err.println("nnet: out of memory (the Java heap holds at most " + String.format("%,d", Runtime.getRuntime().maxMemory())
          + " bytes); use smaller layers or batches, or give Java more memory (`java -Xmx8g -jar nnet.jar ...`)");
      return 1;
    } catch (StackOverflowError e) {
      // Never a stack trace on the terminal: the checker reports deep nesting itself, training may not.
      System.err.println("nnet: ran out of stack; run java with a larger one (`java -Xss8m -jar nnet.jar ...`)");
      return 1;
    }
  }
}
