package dev.nnet.cli;

import dev.nnet.lsp.LanguageServerLauncher;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "lsp", mixinStandardHelpOptions = true,
    description = {"Run the language server on standard input and output, for editors (VS Code, Neovim, ...).",
        "It exits when the editor sends `exit`, closes the input, or its process ends."})
final class LspCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    // Standard output carries only protocol messages: anything else that prints (a stray println,
    // a library) goes to standard error instead.
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    return LanguageServerLauncher.serve(System.in, protocol);
  }
}
