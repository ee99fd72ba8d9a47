package dev.nnet.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * A real LSP4J client talking JSON-RPC to a server over piped streams, as an editor would over
 * stdio; it records every published diagnostic.
 */
final class LspSession implements AutoCloseable {
  final NnetLanguageServer server;
  final LanguageServer remote;
  final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  private final OutputStream toServer;
  private final InputStream fromServer;

  LspSession(long debounceMillis) throws IOException {
    server = new NnetLanguageServer(debounceMillis);
    // NIO pipes, not java.io piped streams: those fail once the thread that last wrote has ended,
    // and LSP4J writes from pooled threads.
    Pipe up = Pipe.open();
    Pipe down = Pipe.open();
    InputStream serverIn = Channels.newInputStream(up.source());
    OutputStream serverOut = Channels.newOutputStream(down.sink());
    toServer = Channels.newOutputStream(up.sink());
    fromServer = Channels.newInputStream(down.source());
    Thread t = new Thread(() -> exitCode.complete(LanguageServerLauncher.serve(server, serverIn, serverOut)), "server");
    t.setDaemon(true);
    t.start();
    Launcher<LanguageServer> client = LSPLauncher.createClientLauncher(new Client(), fromServer, toServer);
    client.startListening();
    remote = client.getRemoteProxy();
  }

  /** Initializes with no process id, so the server does not watch this JVM. */
  LspSession initialized() throws Exception {
    InitializeParams p = new InitializeParams();
    p.setCapabilities(new ClientCapabilities());
    remote.initialize(p).get(10, TimeUnit.SECONDS);
    remote.initialized(new InitializedParams());
    return this;
  }

  void open(String uri, String text) {
    remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "nnet", 1, text)));
  }

  void change(String uri, int version, String text) {
    remote.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
        new VersionedTextDocumentIdentifier(uri, version), List.of(new TextDocumentContentChangeEvent(text))));
  }

  /** The next diagnostics published for {@code uri}, skipping others; fails after 10 s. */
  PublishDiagnosticsParams nextDiagnostics(String uri) throws InterruptedException {
    while (true) {
      PublishDiagnosticsParams p = diagnostics.poll(10, TimeUnit.SECONDS);
      if (p == null) {
        throw new AssertionError("no diagnostics published for " + uri);
      }
      if (p.getUri().equals(uri)) {
        return p;
      }
    }
  }

  static TextDocumentIdentifier doc(String uri) {
    return new TextDocumentIdentifier(uri);
  }

  static Position at(int line, int character) {
    return new Position(line, character);
  }

  @Override
  public void close() throws IOException {
    toServer.close();
  }

  private final class Client implements LanguageClient {
    @Override
    public void telemetryEvent(Object object) {}

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams params) {
      diagnostics.add(params);
    }

    @Override
    public void showMessage(MessageParams params) {}

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams message) {}
  }
}
