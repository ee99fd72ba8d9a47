package dev.nnet.lsp;

import dev.nnet.driver.Compiler;
import dev.nnet.front.ast.Program;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Position;

/**
 * Completion: inside a call of a layer or function, its named arguments ({@code bias = }) with their
 * defaults first; then the names visible at the cursor (locals, parameters, fields, the file's and the
 * standard library's layers and functions), the built-ins, and the keywords. The client filters by
 * the prefix typed.
 */
final class Completions {
  static final List<String> KEYWORDS = List.of("import", "layer", "model", "param", "buffer", "forward", "fn", "let",
      "return", "if", "then", "else", "data", "split", "train", "on", "and", "or", "not", "true", "false");

  private final NameScopes scopes;

  Completions(NameScopes scopes) {
    this.scopes = scopes;
  }

  /**
   * @param program the newest parsed program (may be from an older version while the user types)
   * @param text the document's current text
   */
  List<CompletionItem> complete(Program program, Map<String, dev.nnet.diag.SourceFile> sources, String text,
      Position p) {
    List<CompletionItem> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    NameScopes.At at = scopes.at(program, sources, p);
    CallContext call = CallContext.at(text, SourceRanges.offset(text, p));
    if (call != null) {
      Definition callee = resolve(at.visible(), call.callee());
      Signatures sig = callee == null || callee.decl() == null ? null : Signatures.of(callee.decl(), sources);
      if (sig != null) {
        for (int i = 0; i < sig.params().size(); i++) {
          Signatures.Parameter prm = sig.params().get(i);
          CompletionItem item = new CompletionItem(prm.name() + " =");
          item.setKind(CompletionItemKind.Property);
          item.setInsertText(prm.name() + " = ");
          item.setInsertTextFormat(InsertTextFormat.PlainText);
          item.setDetail(prm.label());
          item.setFilterText(prm.name());
          item.setSortText("0" + (char) ('a' + Math.min(i, 25)));
          items.add(item);
        }
      }
    }
    List<Definition> visible = at.visible();
    for (int i = visible.size() - 1; i >= 0; i--) {
      Definition d = visible.get(i);
      if (!seen.add(d.name())) {
        continue; // shadowed
      }
      CompletionItem item = new CompletionItem(d.name());
      item.setKind(kind(d.kind()));
      item.setSortText((d.inStdlib() ? "2" : "1") + d.name());
      Signatures sig = d.decl() == null ? null : Signatures.of(d.decl(), sources);
      if (sig != null) {
        item.setDetail(sig.label());
        if (sig.doc() != null) {
          item.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, sig.doc()));
        }
      } else if (d.detail() != null) {
        item.setDetail(d.detail());
      }
      items.add(item);
    }
    for (String b : Compiler.builtinNames()) {
      if (seen.add(b)) {
        CompletionItem item = new CompletionItem(b);
        item.setKind(CompletionItemKind.Function);
        item.setDetail("built-in");
        item.setSortText("3" + b);
        items.add(item);
      }
    }
    for (String k : KEYWORDS) {
      if (seen.add(k)) {
        CompletionItem item = new CompletionItem(k);
        item.setKind(CompletionItemKind.Keyword);
        item.setSortText("4" + k);
        items.add(item);
      }
    }
    return items;
  }

  static Definition resolve(List<Definition> visible, String name) {
    for (int i = visible.size() - 1; i >= 0; i--) {
      if (visible.get(i).name().equals(name)) {
        return visible.get(i);
      }
    }
    return null;
  }

  static CompletionItemKind kind(Definition.Kind k) {
    return switch (k) {
      case LAYER, MODEL -> CompletionItemKind.Class;
      case FUNCTION, METHOD -> CompletionItemKind.Function;
      case GLOBAL -> CompletionItemKind.Constant;
      case DATA -> CompletionItemKind.Module;
      case DATA_FIELD, FIELD -> CompletionItemKind.Field;
      case HYPERPARAMETER, PARAMETER -> CompletionItemKind.Property;
      case ARGUMENT, LOCAL -> CompletionItemKind.Variable;
    };
  }
}
