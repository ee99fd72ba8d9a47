import dev.nnet.lsp.LanguageServerLauncher;
import dev.nnet.lsp.NnetLanguageServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * Latency of live diagnostics: the time from a didChange notification to the publishDiagnostics
 * for that version, over JSON-RPC on in-memory pipes, with the debounce set to zero (so the number
 * is the server's own cost; an editor sees it plus the debounce, 150 ms by default). Each change
 * alternates between the file and a copy with a shape error, so every check does the full work.
 * Run by bench/lsp_latency.sh.
 */
public final class LspLatency {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/fashion/mlp.nnet");
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    String good = Files.readString(file);
    String bad = broken(good);

    Pipe up = Pipe.open();
    Pipe down = Pipe.open();
    NnetLanguageServer server = new NnetLanguageServer(0);
    InputStream serverIn = Channels.newInputStream(up.source());
    OutputStream serverOut = Channels.newOutputStream(down.sink());
    Thread t = new Thread(() -> LanguageServerLauncher.serve(server, serverIn, serverOut));
    t.setDaemon(true);
    t.start();
    BlockingQueue<PublishDiagnosticsParams> published = new LinkedBlockingQueue<>();
    var launcher = LSPLauncher.createClientLauncher(new Client(published),
        Channels.newInputStream(down.source()), Channels.newOutputStream(up.sink()));
    launcher.startListening();
    LanguageServer remote = launcher.getRemoteProxy();
    InitializeParams init = new InitializeParams();
    init.setCapabilities(new ClientCapabilities());
    remote.initialize(init).get(30, TimeUnit.SECONDS);
    remote.initialized(new InitializedParams());
    String uri = file.toAbsolutePath().toUri().toString();
    remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "nnet", 1, good)));
    published.take();

    int version = 1;
    long[] nanos = new long[rounds];
    int errors = 0;
    for (int i = 0; i < warmup + rounds; i++) {
      version++;
      String text = version % 2 == 0 ? bad : good;
      long start = System.nanoTime();
      remote.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
          new VersionedTextDocumentIdentifier(uri, version), List.of(new TextDocumentContentChangeEvent(text))));
      PublishDiagnosticsParams p;
      do {
        p = published.poll(30, TimeUnit.SECONDS);
      } while (p != null && p.getVersion() != version);
      long elapsed = System.nanoTime() - start;
      if (p == null) {
        throw new IllegalStateException("no diagnostics for version " + version);
      }
      if (i >= warmup) {
        nanos[i - warmup] = elapsed;
        errors += p.getDiagnostics().size();
      }
    }
    Arrays.sort(nanos);
    System.out.printf("%s (%d lines): change -> diagnostics over JSON-RPC, debounce excluded, %d rounds after %d warm-up%n",
        file, good.lines().count(), rounds, warmup);
    System.out.printf("  median %.2f ms, p90 %.2f ms, max %.2f ms (%d diagnostics in the broken half)%n",
        ms(nanos[rounds / 2]), ms(nanos[rounds * 9 / 10]), ms(nanos[rounds - 1]), errors);
    System.exit(0);
  }

  /** The file with its first Linear's input size changed, a shape error in forward. */
  private static String broken(String text) {
    String b = text.replaceFirst("Linear\\((\\d+), (\\d+)\\)\\s*\\n(\\s*\\w+ = Linear\\()(\\d+)", "Linear($1, $2)\n$37");
    if (b.equals(text)) {
      throw new IllegalArgumentException("found no pair of Linear layers to break");
    }
    return b;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private record Client(BlockingQueue<PublishDiagnosticsParams> published) implements LanguageClient {
    public void telemetryEvent(Object object) {}

    public void publishDiagnostics(PublishDiagnosticsParams p) {
      published.add(p);
    }

    public void showMessage(MessageParams p) {}

    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
      return CompletableFuture.completedFuture(null);
    }

    public void logMessage(MessageParams p) {}
  }
}
