package dev.nnet.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;

/** Runs the nnet language server over a pair of streams: stdin and stdout for {@code nnet lsp}. */
public final class LanguageServerLauncher {
  private LanguageServerLauncher() {}

  /**
   * Serves the protocol on {@code in} and {@code out} until the client sends {@code exit}, closes
   * the input, or its process dies. Nothing else may write to {@code out}.
   *
   * @return the process exit code: 0 after an orderly shutdown, 1 otherwise
   */
  public static int serve(InputStream in, OutputStream out) {
    return serve(new NnetLanguageServer(), in, out);
  }

  /** Serves {@code server} as {@link #serve(InputStream, OutputStream)} does. */
  public static int serve(NnetLanguageServer server, InputStream in, OutputStream out) {
    Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
    server.connect(launcher.getRemoteProxy());
    Future<Void> listening = launcher.startListening();
    Thread watcher = new Thread(() -> {
      try {
        listening.get(); // returns when the input stream ends
      } catch (InterruptedException | ExecutionException | java.util.concurrent.CancellationException e) {
        // Ended either way.
      }
      server.connectionClosed();
    }, "nnet-lsp-connection");
    watcher.setDaemon(true);
    watcher.start();
    try {
      return server.exitCode().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (ExecutionException e) {
      return 1;
    } finally {
      listening.cancel(true);
    }
  }
}
