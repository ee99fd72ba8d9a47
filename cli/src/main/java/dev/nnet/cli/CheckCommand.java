package dev.nnet.cli;

import dev.nnet.driver.Compiler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Parse and check files: syntax, names, shapes and dtypes, and the data and training setup.")
final class CheckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = ".nnet files to check")
  Path[] files;

  @Override
  public Integer call() {
    int code = 0;
    for (Path f : files) {
      Compiler.Result r = SourceLoading.check(f, true, System.err);
      if (r == null || r.hasErrors()) {
        code = 1;
      } else {
        System.out.println(f + ": ok");
      }
    }
    return code;
  }
}
