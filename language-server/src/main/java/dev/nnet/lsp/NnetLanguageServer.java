package dev.nnet.lsp;

import dev.nnet.diag.SourceFile;
import dev.nnet.front.Parser;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.SignatureHelpOptions;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The nnet language server: live diagnostics from the compiler, hover with traced shapes,
 * definitions (into the standard library too), outline, completion, signature help and inlay hints
 * with each pipeline stage's shape.
 *
 * <p>It ends ({@link #exitCode()} completes) on the protocol's {@code exit}, when the client process
 * named in {@code initialize} dies, or when the launcher sees the input close; the code is 0 after a
 * {@code shutdown} request and 1 otherwise, as the protocol asks.
 */
public final class NnetLanguageServer implements LanguageServer, LanguageClientAware {
  /** The quiet period after a change before it is checked. */
  public static final long DEFAULT_DEBOUNCE_MILLIS = 150;

  private final CheckScheduler checks;
  private final NnetTextDocumentService documents;
  private final NnetWorkspaceService workspace = new NnetWorkspaceService();
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  private volatile LanguageClient client;
  private volatile boolean shutdown;

  public NnetLanguageServer() {
    this(DEFAULT_DEBOUNCE_MILLIS);
  }

  /** A server that waits {@code debounceMillis} after a change before checking it. */
  public NnetLanguageServer(long debounceMillis) {
    BundledFiles bundled = BundledFiles.fromEnvironment();
    DocumentUris uris = new DocumentUris(bundled);
    DiagnosticTranslator translator = new DiagnosticTranslator(uris);
    this.checks = new CheckScheduler(debounceMillis, uris, a -> publish(a, translator));
    NameScopes scopes = new NameScopes(Parser.parse(stdlib()).program());
    this.documents = new NnetTextDocumentService(checks, uris, scopes, uri -> {
      LanguageClient c = client;
      if (c != null) {
        c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
      }
    });
  }

  @Override
  public void connect(LanguageClient client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
    if (params.getProcessId() != null) {
      watchClient(params.getProcessId());
    }
    ServerCapabilities caps = new ServerCapabilities();
    caps.setTextDocumentSync(TextDocumentSyncKind.Full);
    caps.setHoverProvider(true);
    caps.setDefinitionProvider(true);
    caps.setDocumentSymbolProvider(true);
    caps.setInlayHintProvider(true);
    caps.setCompletionProvider(new CompletionOptions(false, List.of("(", ",")));
    caps.setSignatureHelpProvider(new SignatureHelpOptions(List.of("(", ","), List.of(" ")));
    return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("nnet", "0.1.0")));
  }

  @Override
  public CompletableFuture<Object> shutdown() {
    shutdown = true;
    checks.close();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void exit() {
    exitCode.complete(shutdown ? 0 : 1);
  }

  @Override
  public TextDocumentService getTextDocumentService() {
    return documents;
  }

  @Override
  public WorkspaceService getWorkspaceService() {
    return workspace;
  }

  /** Completes with the process exit code when the server should stop. */
  public CompletableFuture<Integer> exitCode() {
    return exitCode;
  }

  /** Stops because the connection closed: 0 after a shutdown request, 1 otherwise. */
  void connectionClosed() {
    exitCode.complete(shutdown ? 0 : 1);
  }

  /** Checks finished and published (for tests and the latency benchmark). */
  long checksRun() {
    return checks.checksRun();
  }

  /** Checks whose result was dropped because a newer version arrived while they ran. */
  long checksDropped() {
    return checks.checksDropped();
  }

  private void watchClient(int pid) {
    // An editor that crashes never sends exit; without this, a server per crash would linger.
    ProcessHandle.of(pid).ifPresentOrElse(
        h -> h.onExit().thenRun(() -> exitCode.complete(1)),
        () -> System.err.println("nnet lsp: client process " + pid + " not found; not watching it"));
  }

  private void publish(Analysis a, DiagnosticTranslator translator) {
    LanguageClient c = client;
    if (c == null) {
      return;
    }
    List<org.eclipse.lsp4j.Diagnostic> diags = a.result().diagnostics().stream()
        .map(d -> translator.translate(d, a.path(), a.uri())).toList();
    c.publishDiagnostics(new PublishDiagnosticsParams(a.uri(), diags, a.version()));
  }

  private static SourceFile stdlib() {
    try (var in = NnetLanguageServer.class.getClassLoader().getResourceAsStream("std/nn.nnet")) {
      if (in == null) {
        throw new IllegalStateException("std/nn.nnet is missing from the class path");
      }
      return new SourceFile("std/nn.nnet", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
