package dev.nnet.lsp;

import static dev.nnet.lsp.LspSession.at;
import static dev.nnet.lsp.LspSession.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train blocks are checked in the editor too (checking reads no data, so the data file need not
 * exist): a shape error inside one is published, and hover shows the shapes traced there.
 */
class TrainBlockTest {
  static final String FILE = """
      model M() {
        fc = Linear(4, 3)
        forward(x: [N, 4]) -> [N, 3] = x |> fc
      }
      data d = csv("not-written-yet.csv") {
        x: [4] = row[0..4]
        y: i64 = cast(row[4], i64)
      }
      train M() on d {
        logits = model(x)
        loss = cross_entropy(logits, y)
        optimizer = sgd(lr = 0.1)
      }
      """;

  @TempDir
  static Path cache;

  @BeforeAll
  static void isolateCache() {
    System.setProperty("nnet.cache", cache.toString());
  }

  @Test
  void aShapeErrorInsideATrainBlockIsPublished() throws Exception {
    try (LspSession s = new LspSession(50).initialized()) {
      String uri = cache.resolve("train.nnet").toUri().toString();
      s.open(uri, FILE.replace("logits = model(x)", "logits = model(y)"));
      PublishDiagnosticsParams p = s.nextDiagnostics(uri);
      assertEquals(1, p.getDiagnostics().size(), p.toString());
      Diagnostic d = p.getDiagnostics().get(0);
      assertEquals(9, d.getRange().getStart().getLine(), d.toString());
      assertTrue(d.getCode().getLeft().startsWith("NNET03"), d.toString());

      s.change(uri, 2, FILE);
      assertEquals(List.of(), s.nextDiagnostics(uri).getDiagnostics());
    }
  }

  @Test
  void hoverInsideATrainBlockShowsTheTracedShape() throws Exception {
    try (LspSession s = new LspSession(50).initialized()) {
      String uri = cache.resolve("hover.nnet").toUri().toString();
      s.open(uri, FILE);
      assertEquals(List.of(), s.nextDiagnostics(uri).getDiagnostics());
      String text = s.remote.getTextDocumentService().hover(new HoverParams(doc(uri), at(9, 14)))
          .get(10, TimeUnit.SECONDS).getContents().getRight().getValue();
      assertTrue(text.contains("f32[N, 3]"), text);
    }
  }
}
