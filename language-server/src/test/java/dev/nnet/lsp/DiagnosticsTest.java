package dev.nnet.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live diagnostics over the protocol: exact ranges, codes with documentation links, related spans, superseding. */
class DiagnosticsTest {
  static final String SHAPE_ERROR = """
      model Mlp(classes: int = 10) {
        fc1 = Linear(784, 128)
        fc2 = Linear(256, classes)
        forward(x: [N, 784]) -> [N, classes] =
          x |> fc1 |> relu |> fc2
      }
      """;

  @TempDir
  static Path cache;

  @BeforeAll
  static void isolateCache() {
    System.setProperty("nnet.cache", cache.toString());
  }

  static Range range(int l1, int c1, int l2, int c2) {
    return new Range(LspSession.at(l1, c1), LspSession.at(l2, c2));
  }

  @Test
  void publishesTheShapeErrorWhereItIsCausedAndClearsItWhenFixed() throws Exception {
    try (LspSession s = new LspSession(50).initialized()) {
      String uri = cache.resolve("mlp.nnet").toUri().toString();
      s.open(uri, SHAPE_ERROR);
      PublishDiagnosticsParams p = s.nextDiagnostics(uri);
      assertEquals(1, p.getVersion());
      assertEquals(1, p.getDiagnostics().size(), p.toString());
      Diagnostic d = p.getDiagnostics().get(0);
      assertEquals(range(4, 24, 4, 27), d.getRange());
      assertEquals(DiagnosticSeverity.Error, d.getSeverity());
      assertEquals("NNET0301", d.getCode().getLeft());
      assertEquals("nnet", d.getSource());
      assertTrue(d.getMessage().startsWith("`fc2` expects [*B, 256] for `x`, got [N, 128]"), d.getMessage());
      assertTrue(d.getMessage().contains("\nhelp: write `Linear(128, classes)`"), d.getMessage());

      Path page = Path.of(URI.create(d.getCodeDescription().getHref()));
      assertTrue(page.endsWith(Path.of("docs", "errors", "NNET0301.md")), page.toString());
      assertTrue(page.startsWith(cache), "the page is written under the cache");
      assertTrue(Files.readString(page).contains("NNET0301"));

      List<DiagnosticRelatedInformation> related = d.getRelatedInformation();
      assertTrue(related.stream().anyMatch(r -> r.getLocation().getUri().equals(uri)
          && r.getLocation().getRange().equals(range(1, 8, 1, 24)) && r.getMessage().equals("produces [N, 128]")),
          related.toString());
      assertTrue(related.stream().anyMatch(r -> r.getLocation().getRange().getStart().getLine() == 2
          && r.getMessage().contains("defined here")), related.toString());
      assertTrue(related.stream().anyMatch(r -> r.getMessage().startsWith("bindings: N = batch size")
          && r.getLocation().getRange().equals(d.getRange())), related.toString());

      s.change(uri, 2, SHAPE_ERROR.replace("Linear(256, classes)", "Linear(128, classes)"));
      PublishDiagnosticsParams fixed = s.nextDiagnostics(uri);
      assertEquals(2, fixed.getVersion());
      assertEquals(List.of(), fixed.getDiagnostics());

      s.change(uri, 3, SHAPE_ERROR);
      assertEquals(1, s.nextDiagnostics(uri).getDiagnostics().size());
      s.remote.getTextDocumentService().didClose(
          new org.eclipse.lsp4j.DidCloseTextDocumentParams(LspSession.doc(uri)));
      assertEquals(List.of(), s.nextDiagnostics(uri).getDiagnostics(), "closing clears the file's problems");
    }
  }

  @Test
  void syntaxErrorsAndUnknownNamesAreReported() throws Exception {
    try (LspSession s = new LspSession(50).initialized()) {
      String uri = "untitled:Untitled-1";
      String line = "  forward(x: [N, 4]) = x |> relu |> rleu";
      s.open(uri, "model M() {\n" + line + "\n}\n");
      Diagnostic d = s.nextDiagnostics(uri).getDiagnostics().get(0);
      assertEquals("NNET0101", d.getCode().getLeft());
      int col = line.indexOf("rleu");
      assertEquals(range(1, col, 1, col + 4), d.getRange());
      assertTrue(d.getMessage().startsWith("unknown name `rleu`"), d.getMessage());
      s.change(uri, 2, "model M() {\n  forward(x: [N, 4]) = x |>\n}\n");
      Diagnostic syntax = s.nextDiagnostics(uri).getDiagnostics().get(0);
      assertEquals("NNET0001", syntax.getCode().getLeft());
    }
  }

  @Test
  void rapidChangesPublishOnlyTheNewestVersion() throws Exception {
    try (LspSession s = new LspSession(200).initialized()) {
      String uri = cache.resolve("rapid.nnet").toUri().toString();
      s.open(uri, SHAPE_ERROR);
      assertEquals(1, s.nextDiagnostics(uri).getVersion());
      long before = s.server.checksRun();
      // Five edits inside one debounce period: one check, of the last text.
      for (int v = 2; v <= 6; v++) {
        s.change(uri, v, SHAPE_ERROR.replace("Linear(256", "Linear(" + (250 + v)));
      }
      PublishDiagnosticsParams p = s.nextDiagnostics(uri);
      assertEquals(6, p.getVersion());
      assertTrue(p.getDiagnostics().get(0).getMessage().contains("256 but the argument has 128")
          || p.getDiagnostics().get(0).getMessage().contains("expects [*B, 256]"), p.toString());
      Thread.sleep(400);
      assertTrue(s.diagnostics.isEmpty(), "nothing else published: " + s.diagnostics);
      assertEquals(before + 1, s.server.checksRun());
    }
  }

  @Test
  void aCheckOverrunByANewerVersionIsDropped() throws Exception {
    // No debounce: every change is checked, and each result that is outdated when it ends is dropped,
    // so the published versions only grow and end with the newest.
    try (LspSession s = new LspSession(0).initialized()) {
      String uri = cache.resolve("race.nnet").toUri().toString();
      s.open(uri, SHAPE_ERROR);
      for (int v = 2; v <= 40; v++) {
        s.change(uri, v, SHAPE_ERROR + "\n".repeat(v));
      }
      int last = 0;
      while (last < 40) {
        PublishDiagnosticsParams p = s.nextDiagnostics(uri);
        assertTrue(p.getVersion() > last, "versions only grow: " + p.getVersion() + " after " + last);
        last = p.getVersion();
      }
      Thread.sleep(200);
      assertTrue(s.diagnostics.isEmpty());
    }
  }

  @Test
  void exitsWithZeroAfterShutdownAndOneWhenTheInputCloses() throws Exception {
    try (LspSession s = new LspSession(50).initialized()) {
      s.remote.shutdown().get(10, TimeUnit.SECONDS);
      s.remote.exit();
      assertEquals(0, s.exitCode.get(10, TimeUnit.SECONDS));
    }
    LspSession s = new LspSession(50).initialized();
    s.close();
    assertEquals(1, s.exitCode.get(10, TimeUnit.SECONDS));
  }
}
