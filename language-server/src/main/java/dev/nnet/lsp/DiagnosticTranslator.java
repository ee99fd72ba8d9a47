package dev.nnet.lsp;

import dev.nnet.diag.Diagnostic;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DiagnosticCodeDescription;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * Turns a compiler {@link Diagnostic} into an LSP one: the code as {@code NNETxxxx} with a link to
 * its page, the help line appended to the message, each related span as related information, and
 * each dimension binding ({@code N = batch size (from ...)}) as related information at the
 * diagnostic itself, since a binding names its origin in words rather than by span.
 */
final class DiagnosticTranslator {
  static final String SOURCE = "nnet";

  private final DocumentUris uris;

  DiagnosticTranslator(DocumentUris uris) {
    this.uris = uris;
  }

  /** The LSP diagnostic for {@code d} shown in the document checked under {@code path}. */
  org.eclipse.lsp4j.Diagnostic translate(Diagnostic d, String path, String documentUri) {
    // A primary span in another file (inside the standard library) is shown at the top of the
    // document, with the real place as related information.
    boolean here = d.span() != null && d.span().isKnown() && path.equals(d.span().file());
    org.eclipse.lsp4j.Diagnostic out = new org.eclipse.lsp4j.Diagnostic();
    out.setRange(SourceRanges.range(here ? d.span() : null));
    out.setSeverity(switch (d.severity()) {
      case ERROR -> DiagnosticSeverity.Error;
      case WARNING -> DiagnosticSeverity.Warning;
      case NOTE -> DiagnosticSeverity.Information;
    });
    out.setSource(SOURCE);
    out.setCode(Either.forLeft(d.code().id()));
    String href = uris.docsUri(d.code().docPath());
    if (href != null) {
      out.setCodeDescription(new DiagnosticCodeDescription(href));
    }
    out.setMessage(d.help() == null ? d.message() : d.message() + "\nhelp: " + d.help());
    List<DiagnosticRelatedInformation> related = new ArrayList<>();
    Location self = new Location(documentUri, out.getRange());
    if (!here && d.span() != null && d.span().isKnown()) {
      Location at = location(d.span());
      if (at != null) {
        related.add(new DiagnosticRelatedInformation(at, d.label() == null ? "reported here" : d.label()));
      }
    }
    for (Diagnostic.Related r : d.related()) {
      Location at = location(r.span());
      if (at != null) {
        related.add(new DiagnosticRelatedInformation(at, r.label()));
      }
    }
    for (String b : d.bindings()) {
      related.add(new DiagnosticRelatedInformation(self, "bindings: " + b));
    }
    if (!related.isEmpty()) {
      out.setRelatedInformation(related);
    }
    return out;
  }

  private Location location(SourceSpan span) {
    String uri = uris.uriOf(span.file());
    return uri == null ? null : new Location(uri, SourceRanges.range(span));
  }
}
