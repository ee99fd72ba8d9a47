package dev.nnet.lsp;

import static dev.nnet.lsp.LspSession.at;
import static dev.nnet.lsp.LspSession.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureHelpParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hover, definitions, outline, completion, signature help and inlay hints, driven through a real client. */
class FeaturesTest {
  static final String MLP = """
      model Mlp(hidden: int = 256, classes: int = 10) {
        fc1 = Linear(784, hidden)
        fc2 = Linear(hidden, classes)
        forward(x: [N, 1, 28, 28]) -> [N, classes] {
          let h = x |> flatten |> fc1 |> relu
          return h |> fc2
        }
      }
      """;

  @TempDir
  static Path cache;
  static LspSession session;
  static String uri;

  @BeforeAll
  static void open() throws Exception {
    System.setProperty("nnet.cache", cache.toString());
    session = new LspSession(50).initialized();
    uri = cache.resolve("mlp.nnet").toUri().toString();
    session.open(uri, MLP);
    assertEquals(List.of(), session.nextDiagnostics(uri).getDiagnostics());
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
  }

  private static Hover hover(int line, int character) throws Exception {
    return session.remote.getTextDocumentService().hover(new HoverParams(doc(uri), at(line, character)))
        .get(10, TimeUnit.SECONDS);
  }

  private static List<? extends Location> definition(int line, int character) throws Exception {
    return session.remote.getTextDocumentService().definition(new DefinitionParams(doc(uri), at(line, character)))
        .get(10, TimeUnit.SECONDS).getLeft();
  }

  @Test
  void hoverShowsTheShapeOfAnExpression() throws Exception {
    // On `flatten` inside `x |> flatten`: the function, and the result of that stage.
    Hover h = hover(4, 19);
    String text = h.getContents().getRight().getValue();
    assertTrue(text.contains("built-in function flatten") && text.contains("this stage gives `f32[N, 784]`"), text);
    // On the parameter `x`.
    assertTrue(hover(3, 11).getContents().getRight().getValue().contains("x: f32[N, 1, 28, 28]"));
    // On the let name `h`.
    assertTrue(hover(4, 8).getContents().getRight().getValue().contains("f32[N, 256]"));
  }

  @Test
  void hoverOnALayerShowsItsOutputShapeAndParameterCount() throws Exception {
    Hover field = hover(1, 3);
    String text = field.getContents().getRight().getValue();
    assertTrue(text.contains("fc1: Linear(in = 784, out = 256"), text);
    assertTrue(text.contains("output `f32[N, 256]`"), text);
    assertTrue(text.contains("200,960 parameters"), text);
    assertEquals(new Range(at(1, 2), at(1, 5)), field.getRange());
    // The same instance where it is used in the pipeline.
    String use = hover(4, 30).getContents().getRight().getValue();
    assertTrue(use.contains("200,960 parameters"), use);
    // On the model's name: its signature and totals.
    String model = hover(0, 7).getContents().getRight().getValue();
    assertTrue(model.contains("model Mlp(hidden: int = 256, classes: int = 10)"), model);
    assertTrue(model.contains("output `f32[N, 10]`") && model.contains("203,530 parameters"), model);
  }

  @Test
  void hoverOnAStandardLibraryNameShowsItsSignatureAndDoc() throws Exception {
    String text = hover(1, 10).getContents().getRight().getValue();
    assertTrue(text.contains("layer Linear(in: int, out: int, bias: bool = true"), text);
    assertTrue(text.contains("y = x W^T + b"), text);
  }

  @Test
  void definitionJumpsToFieldsParametersAndIntoTheStandardLibrary() throws Exception {
    // `fc1` in the pipeline -> the field.
    List<? extends Location> fc1 = definition(4, 30);
    assertEquals(uri, fc1.get(0).getUri());
    assertEquals(new Range(at(1, 2), at(1, 5)), fc1.get(0).getRange());
    // `hidden` in a field -> the hyperparameter.
    List<? extends Location> hidden = definition(1, 21);
    assertEquals(0, hidden.get(0).getRange().getStart().getLine());
    assertEquals(10, hidden.get(0).getRange().getStart().getCharacter());
    // `h` in `return h` -> the let.
    assertEquals(4, definition(5, 11).get(0).getRange().getStart().getLine());
    // `Linear` -> std/nn.nnet, written out as a real file.
    Location linear = definition(1, 10).get(0);
    Path std = Path.of(URI.create(linear.getUri()));
    assertTrue(std.endsWith(Path.of("std", "nn.nnet")) && std.startsWith(cache), std.toString());
    String line = Files.readAllLines(std).get(linear.getRange().getStart().getLine());
    assertTrue(line.startsWith("layer Linear("), line);
    assertEquals("Linear", line.substring(linear.getRange().getStart().getCharacter(), linear.getRange().getEnd().getCharacter()));
    // `relu` -> its definition in the standard library; a primitive has none.
    assertTrue(Files.readAllLines(std).get(definition(4, 37).get(0).getRange().getStart().getLine()).startsWith("fn relu"));
    assertTrue(definition(4, 19).isEmpty(), "flatten is a built-in");
  }

  @Test
  void outlineListsDeclarationsAndMembers() throws Exception {
    List<DocumentSymbol> symbols = session.remote.getTextDocumentService()
        .documentSymbol(new DocumentSymbolParams(doc(uri))).get(10, TimeUnit.SECONDS).stream()
        .map(e -> e.getRight()).toList();
    assertEquals(1, symbols.size());
    assertEquals("Mlp", symbols.get(0).getName());
    assertEquals(List.of("fc1", "fc2", "forward"), symbols.get(0).getChildren().stream().map(DocumentSymbol::getName).toList());
  }

  @Test
  void inlayHintsShowEachPipelineStage() throws Exception {
    List<InlayHint> hints = session.remote.getTextDocumentService()
        .inlayHint(new InlayHintParams(doc(uri), new Range(at(0, 0), at(9, 0)))).get(10, TimeUnit.SECONDS);
    List<String> labels = hints.stream().map(h -> h.getPosition().getLine() + ":" + h.getPosition().getCharacter()
        + " " + h.getLabel().getLeft()).toList();
    String line4 = MLP.lines().toList().get(4);
    assertTrue(labels.contains("4:" + (line4.indexOf("flatten") + 7) + " : [N, 784]"), labels.toString());
    assertTrue(labels.contains("4:" + (line4.indexOf("fc1") + 3) + " : [N, 256]"), labels.toString());
    assertTrue(labels.contains("4:9 : [N, 256]"), "after `let h`: " + labels);
    assertTrue(labels.contains("1:" + MLP.lines().toList().get(1).length() + " → [N, 256]"), labels.toString());
    assertTrue(labels.contains("5:" + MLP.lines().toList().get(5).length() + " : [N, 10]"), labels.toString());
    // Only hints inside the asked range.
    List<InlayHint> one = session.remote.getTextDocumentService()
        .inlayHint(new InlayHintParams(doc(uri), new Range(at(5, 0), at(5, 80)))).get(10, TimeUnit.SECONDS);
    assertEquals(1, one.size());
  }

  @Test
  void completionOffersNamedArgumentsNamesBuiltinsAndKeywords() throws Exception {
    String edited = MLP.replace("fc2 = Linear(hidden, classes)", "fc2 = Linear(hidden, classes, )");
    String u = cache.resolve("complete.nnet").toUri().toString();
    session.open(u, edited);
    session.nextDiagnostics(u);
    int col = edited.lines().toList().get(2).indexOf(", )") + 2;
    List<CompletionItem> items = session.remote.getTextDocumentService()
        .completion(new CompletionParams(doc(u), at(2, col))).get(10, TimeUnit.SECONDS).getLeft();
    List<String> labels = items.stream().map(CompletionItem::getLabel).toList();
    assertTrue(labels.containsAll(List.of("bias =", "weight_init =", "in =", "Linear", "relu", "fc1", "hidden",
        "matmul", "forward", "let")), labels.toString());
    CompletionItem bias = items.stream().filter(i -> i.getLabel().equals("bias =")).findFirst().orElseThrow();
    assertEquals("bias: bool = true", bias.getDetail());
    assertTrue(bias.getSortText().compareTo(
        items.stream().filter(i -> i.getLabel().equals("Linear")).findFirst().orElseThrow().getSortText()) < 0,
        "named arguments first");
  }

  @Test
  void signatureHelpFollowsTheArgumentBeingWritten() throws Exception {
    String line = MLP.lines().toList().get(2);
    SignatureHelp h = signature(new Position(2, line.indexOf("classes")));
    assertEquals("layer Linear(in: int, out: int, bias: bool = true, weight_init: init = uniform(-1 / sqrt(in), 1 / sqrt(in)))",
        h.getSignatures().get(0).getLabel());
    assertEquals(1, h.getActiveParameter());
    assertEquals(0, signature(new Position(2, line.indexOf("hidden"))).getActiveParameter());
    assertNull(signature(new Position(4, 10)), "not inside a call");
  }

  private static SignatureHelp signature(Position p) throws Exception {
    return session.remote.getTextDocumentService().signatureHelp(new SignatureHelpParams(doc(uri), p))
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsAfterAChangeAnswerForTheNewText() throws Exception {
    String u = cache.resolve("changed.nnet").toUri().toString();
    session.open(u, MLP);
    session.nextDiagnostics(u);
    session.change(u, 2, MLP.replace("hidden: int = 256", "hidden: int = 64"));
    // Asked before the debounced check has run: the answer waits for it.
    String text = session.remote.getTextDocumentService().hover(new HoverParams(doc(u), at(1, 3)))
        .get(10, TimeUnit.SECONDS).getContents().getRight().getValue();
    assertTrue(text.contains("output `f32[N, 64]`"), text);
    assertFalse(text.contains("256]"), text);
  }

  @Test
  void aCancelledRequestLeavesTheServerServing() throws Exception {
    String u = cache.resolve("cancelled.nnet").toUri().toString();
    session.open(u, MLP);
    session.nextDiagnostics(u);
    session.change(u, 2, MLP.replace("hidden: int = 256", "hidden: int = 32"));
    // Sent while the check is still pending, then cancelled ($/cancelRequest) by the client.
    java.util.concurrent.CompletableFuture<Hover> pending =
        session.remote.getTextDocumentService().hover(new HoverParams(doc(u), at(1, 3)));
    pending.cancel(true); // usually before the answer; on a loaded machine the answer may win the race
    assertEquals(2, session.nextDiagnostics(u).getVersion());
    String text = session.remote.getTextDocumentService().hover(new HoverParams(doc(u), at(1, 3)))
        .get(10, TimeUnit.SECONDS).getContents().getRight().getValue();
    assertTrue(text.contains("output `f32[N, 32]`"), text);
  }
}
