package dev.nnet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Exit code, standard output and standard error of one command line, run in this JVM. */
record CommandRun(int code, String out, String err) {
  /** Runs {@code nnet args...} with standard output and error captured. */
  static CommandRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o));
      System.setErr(new PrintStream(e));
      return new CommandRun(Main.run(args), o.toString(), e.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
