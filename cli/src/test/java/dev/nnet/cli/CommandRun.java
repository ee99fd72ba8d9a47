package dev.nnet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Exit code, standard output and standard error of one {@code nnet} command line, run in this JVM. */
record CommandRun(int code, String out, String err) {
  /** Runs {@code nnet args...} with its output captured. */
  static CommandRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o));
      System.setErr(new PrintStream(e));
      int code = Main.run(args);
      return new CommandRun(code, o.toString(), e.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
