package dev.nnet.lsp;

import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Program;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.ParameterInformation;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureInformation;

/**
 * Signature help for calls of layers and functions written in .nnet: {@code Linear(in: int, out: int,
 * ...)} with the argument under the cursor highlighted, by position or by name.
 */
final class SignatureHelps {
  private final NameScopes scopes;

  SignatureHelps(NameScopes scopes) {
    this.scopes = scopes;
  }

  SignatureHelp help(Program program, Map<String, SourceFile> sources, String text, Position p) {
    CallContext call = CallContext.at(text, SourceRanges.offset(text, p));
    if (call == null) {
      return null;
    }
    Definition callee = Completions.resolve(scopes.at(program, sources, p).visible(), call.callee());
    Signatures sig = callee == null || callee.decl() == null ? null : Signatures.of(callee.decl(), sources);
    if (sig == null) {
      return null;
    }
    SignatureInformation info = new SignatureInformation(sig.label());
    if (sig.doc() != null) {
      info.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, sig.doc()));
    }
    info.setParameters(sig.params().stream().map(prm -> {
      ParameterInformation pi = new ParameterInformation(prm.label());
      return pi;
    }).toList());
    int active = call.argumentName() != null ? sig.indexOf(call.argumentName())
        : call.namedSoFar() ? -1 : call.argumentIndex();
    SignatureHelp help = new SignatureHelp(List.of(info), 0, active >= 0 && active < sig.params().size() ? active : null);
    return help;
  }
}
