package dev.nnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar nnet.jar lsp} as an editor runs it: a separate process spoken to over its
 * standard streams. Runs after packaging (failsafe), so it tests the shaded jar itself.
 */
class LspJarIT {
  @TempDir
  Path cache;

  private Process start() throws Exception {
    Path jar = Path.of(System.getProperty("nnet.jar", "target/nnet.jar"));
    assertTrue(Files.exists(jar), "the shaded jar is built: " + jar);
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dnnet.cache=" + cache, "-jar", jar.toString(), "lsp")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static final class Client implements LanguageClient {
    final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();

    @Override
    public void telemetryEvent(Object object) {}

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams p) {
      diagnostics.add(p);
    }

    @Override
    public void showMessage(MessageParams p) {}

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams p) {}
  }

  @Test
  void reportsTheShapeErrorOfAnExampleAtItsRangeAndExitsCleanly() throws Exception {
    Path example = Path.of(System.getProperty("nnet.repo", "..")).resolve("examples/digits/mlp.nnet").toRealPath();
    String text = Files.readString(example).replace("fc2 = Linear(hidden, classes)", "fc2 = Linear(32, classes)");
    List<String> lines = text.lines().toList();
    int line = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("|> fc2")) {
        line = i;
      }
    }
    int col = lines.get(line).lastIndexOf("fc2");

    Process server = start();
    Client client = new Client();
    Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, server.getInputStream(),
        server.getOutputStream());
    launcher.startListening();
    LanguageServer remote = launcher.getRemoteProxy();
    InitializeParams init = new InitializeParams();
    init.setProcessId((int) ProcessHandle.current().pid());
    init.setCapabilities(new ClientCapabilities());
    assertEquals("nnet", remote.initialize(init).get(60, TimeUnit.SECONDS).getServerInfo().getName());
    remote.initialized(new InitializedParams());
    String uri = example.toUri().toString();
    remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "nnet", 1, text)));

    PublishDiagnosticsParams p = client.diagnostics.poll(60, TimeUnit.SECONDS);
    assertTrue(p != null, "diagnostics were published");
    assertEquals(uri, p.getUri());
    assertEquals(1, p.getDiagnostics().size(), p.toString());
    Diagnostic d = p.getDiagnostics().get(0);
    assertEquals("NNET0301", d.getCode().getLeft());
    assertEquals(new Range(new Position(line, col), new Position(line, col + 3)), d.getRange());
    assertTrue(d.getMessage().contains("expects [*B, 32]"), d.getMessage());

    remote.shutdown().get(30, TimeUnit.SECONDS);
    remote.exit();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server exits after `exit`");
    assertEquals(0, server.exitValue());
  }

  @Test
  void exitsWhenItsInputCloses() throws Exception {
    Process server = start();
    server.getOutputStream().close();
    assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server exits when the editor closes the pipe");
    assertEquals(1, server.exitValue(), "no shutdown request came first");
  }

  @Test
  void exitsWhenTheClientProcessDies() throws Exception {
    Process editor = new ProcessBuilder("sleep", "600").start();
    Process server = start();
    Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(new Client(), server.getInputStream(),
        server.getOutputStream());
    launcher.startListening();
    InitializeParams init = new InitializeParams();
    init.setProcessId((int) editor.pid());
    init.setCapabilities(new ClientCapabilities());
    launcher.getRemoteProxy().initialize(init).get(60, TimeUnit.SECONDS);
    assertTrue(server.isAlive());
    editor.destroy();
    assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server exits when the editor's process ends");
    assertEquals(1, server.exitValue());
  }
}
