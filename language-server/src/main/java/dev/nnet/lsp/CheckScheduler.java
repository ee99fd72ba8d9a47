package dev.nnet.lsp;

import dev.nnet.driver.Compiler;
import dev.nnet.diag.SourceFile;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs the compiler on open documents, one check at a time on a single worker thread.
 *
 * <p>A change is checked after a quiet period ({@code debounceMillis}); a newer change before then
 * replaces the pending check, so typing a word costs one check, not one per key. A check already
 * running is not interrupted (checks take milliseconds and the compiler has no cancellation
 * points), but when it ends its result is dropped if the document has changed meanwhile: only the
 * newest version's diagnostics are published. Requests that need types ({@link #current}) wait for
 * the check of the newest version.
 */
final class CheckScheduler implements AutoCloseable {
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "nnet-check");
    t.setDaemon(true);
    return t;
  });
  private final long debounceMillis;
  private final DocumentUris uris;
  private final Consumer<Analysis> publish;
  private final Map<String, OpenDocument> docs = new ConcurrentHashMap<>();
  private final AtomicLong checksRun = new AtomicLong();
  private final AtomicLong checksDropped = new AtomicLong();

  /** The state of one open document. Guarded by its own monitor. */
  private static final class OpenDocument {
    int version;
    String text;
    ScheduledFuture<?> pending;
    Analysis latest;
    CompletableFuture<Analysis> next = new CompletableFuture<>();
  }

  CheckScheduler(long debounceMillis, DocumentUris uris, Consumer<Analysis> publish) {
    this.debounceMillis = debounceMillis;
    this.uris = uris;
    this.publish = publish;
  }

  /** Records the new text of {@code uri} and schedules its check (immediately when {@code now}). */
  void update(String uri, int version, String text, boolean now) {
    OpenDocument doc = docs.computeIfAbsent(uri, u -> new OpenDocument());
    synchronized (doc) {
      doc.version = version;
      doc.text = text;
      if (doc.pending != null) {
        doc.pending.cancel(false);
      }
      if (doc.next.isDone()) {
        doc.next = new CompletableFuture<>();
      }
      doc.pending = worker.schedule(() -> check(uri, doc), now ? 0 : debounceMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Forgets {@code uri}; its pending check is dropped. */
  void close(String uri) {
    OpenDocument doc = docs.remove(uri);
    if (doc != null) {
      synchronized (doc) {
        if (doc.pending != null) {
          doc.pending.cancel(false);
        }
        doc.next.cancel(false);
      }
    }
  }

  /** The analysis of the newest version of {@code uri}, when its check is done; null if it is not open. */
  CompletableFuture<Analysis> current(String uri) {
    OpenDocument doc = docs.get(uri);
    if (doc == null) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (doc) {
      return doc.next.isDone() ? CompletableFuture.completedFuture(doc.latest) : doc.next.copy();
    }
  }

  /** The newest finished analysis of {@code uri} without waiting, possibly of an older version; may be null. */
  Analysis latest(String uri) {
    OpenDocument doc = docs.get(uri);
    if (doc == null) {
      return null;
    }
    synchronized (doc) {
      return doc.latest;
    }
  }

  /** The text of {@code uri} as last sent by the client, or null. */
  String text(String uri) {
    OpenDocument doc = docs.get(uri);
    if (doc == null) {
      return null;
    }
    synchronized (doc) {
      return doc.text;
    }
  }

  /** How many checks ran to the end, and how many of those were dropped as outdated (for tests). */
  long checksRun() {
    return checksRun.get();
  }

  long checksDropped() {
    return checksDropped.get();
  }

  private void check(String uri, OpenDocument doc) {
    int version;
    String text;
    synchronized (doc) {
      if (docs.get(uri) != doc) {
        return;
      }
      version = doc.version;
      text = doc.text;
    }
    Analysis a;
    try {
      a = analyze(uri, version, text);
    } catch (RuntimeException | StackOverflowError e) {
      // The compiler promises not to throw; if it does, keep serving the last good analysis.
      System.err.println("nnet lsp: checking " + uri + " failed: " + e);
      synchronized (doc) {
        doc.next.complete(doc.latest);
      }
      return;
    }
    checksRun.incrementAndGet();
    synchronized (doc) {
      if (doc.version != version || docs.get(uri) != doc) {
        checksDropped.incrementAndGet();
        return;
      }
      doc.latest = a;
      // Complete while holding the lock: an update that arrives after this point must see a done
      // future and start a new one, or requests for the new version would get this older analysis.
      doc.next.complete(a);
    }
    publish.accept(a);
  }

  /** Checks one text as an editor needs it: no data loading, with types recorded. */
  Analysis analyze(String uri, int version, String text) {
    String path = uris.pathOf(uri);
    Compiler.Result r = Compiler.check(new SourceFile(path, text), Compiler.Options.EDITOR);
    return new Analysis(uri, version, path, text, r);
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
