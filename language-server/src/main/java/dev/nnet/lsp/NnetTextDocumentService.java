package dev.nnet.lsp;

import dev.nnet.driver.Compiler;
import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Program;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureHelpParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * The document half of the protocol. Open documents are checked by the {@link CheckScheduler};
 * hover, definitions, outline and inlay hints answer from the check of the newest text, completion
 * and signature help from the newest finished check plus the current text (they must not wait while
 * the user types).
 */
final class NnetTextDocumentService implements TextDocumentService {
  private final CheckScheduler checks;
  private final DocumentUris uris;
  private final NameScopes scopes;
  private final Hovers hovers;
  private final Completions completions;
  private final SignatureHelps signatures;
  private final java.util.function.Consumer<String> clearDiagnostics;

  NnetTextDocumentService(CheckScheduler checks, DocumentUris uris, NameScopes scopes,
      java.util.function.Consumer<String> clearDiagnostics) {
    this.checks = checks;
    this.clearDiagnostics = clearDiagnostics;
    this.uris = uris;
    this.scopes = scopes;
    this.hovers = new Hovers(scopes);
    this.completions = new Completions(scopes);
    this.signatures = new SignatureHelps(scopes);
  }

  @Override
  public void didOpen(DidOpenTextDocumentParams params) {
    checks.update(params.getTextDocument().getUri(), params.getTextDocument().getVersion(),
        params.getTextDocument().getText(), true);
  }

  @Override
  public void didChange(DidChangeTextDocumentParams params) {
    // The server asks for full-text sync, so the last change holds the whole document.
    List<TextDocumentContentChangeEvent> changes = params.getContentChanges();
    if (changes.isEmpty()) {
      return;
    }
    checks.update(params.getTextDocument().getUri(), params.getTextDocument().getVersion(),
        changes.get(changes.size() - 1).getText(), false);
  }

  @Override
  public void didClose(DidCloseTextDocumentParams params) {
    checks.close(params.getTextDocument().getUri());
    // A closed file's problems would otherwise stay in the client's problem list.
    clearDiagnostics.accept(params.getTextDocument().getUri());
  }

  @Override
  public void didSave(DidSaveTextDocumentParams params) {
    // Nothing to do: the text was checked as it changed.
  }

  @Override
  public CompletableFuture<Hover> hover(HoverParams params) {
    return withAnalysis(params.getTextDocument().getUri(), a -> hovers.hover(a, params.getPosition()));
  }

  @Override
  public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(
      DefinitionParams params) {
    return withAnalysis(params.getTextDocument().getUri(), a -> {
      Definition d = scopes.at(a.result().program(), a.result().sources(), params.getPosition()).resolve();
      String uri = d == null || d.span() == null ? null : uris.uriOf(d.span().file());
      List<Location> found = uri == null ? List.of() : List.of(new Location(uri, SourceRanges.range(d.span())));
      return Either.forLeft(found);
    });
  }

  @Override
  public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
    return withAnalysis(params.getTextDocument().getUri(),
        a -> Outline.symbols(a.result().program()).stream().map(Either::<SymbolInformation, DocumentSymbol>forRight).toList());
  }

  @Override
  public CompletableFuture<List<InlayHint>> inlayHint(InlayHintParams params) {
    return withAnalysis(params.getTextDocument().getUri(), a -> ShapeHints.hints(a, params.getRange()));
  }

  @Override
  public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
    String uri = params.getTextDocument().getUri();
    return CompletableFuture.supplyAsync(() -> {
      Snapshot s = snapshot(uri);
      return s == null ? Either.<List<CompletionItem>, CompletionList>forLeft(List.of())
          : Either.forLeft(completions.complete(s.program(), s.sources(), s.text(), params.getPosition()));
    });
  }

  @Override
  public CompletableFuture<SignatureHelp> signatureHelp(SignatureHelpParams params) {
    String uri = params.getTextDocument().getUri();
    return CompletableFuture.supplyAsync(() -> {
      Snapshot s = snapshot(uri);
      return s == null ? null : signatures.help(s.program(), s.sources(), s.text(), params.getPosition());
    });
  }

  /** The current text with the newest program parsed from it or an earlier version. */
  private record Snapshot(Program program, Map<String, SourceFile> sources, String text) {}

  private Snapshot snapshot(String uri) {
    String text = checks.text(uri);
    if (text == null) {
      return null;
    }
    Analysis a = checks.latest(uri);
    if (a == null) {
      a = checks.current(uri).join();
    }
    if (a == null) {
      Compiler.Result r = Compiler.check(new SourceFile(uris.pathOf(uri), text), Compiler.Options.EDITOR);
      return new Snapshot(r.program(), r.sources(), text);
    }
    return new Snapshot(a.result().program(), a.result().sources(), text);
  }

  private <T> CompletableFuture<T> withAnalysis(String uri, Function<Analysis, T> answer) {
    return checks.current(uri).thenApply(a -> a == null ? null : answer.apply(a));
  }
}
