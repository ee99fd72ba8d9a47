package dev.nnet.lsp;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of files on both sides: the client's URIs and the paths the compiler writes into its
 * spans. An open {@code file:} document is checked under its file-system path (so relative data
 * paths resolve next to it); other schemes (an unsaved buffer) under the URI itself. The standard
 * library's spans ({@code std/nn.nnet}) map to its copy from {@link BundledFiles}.
 */
final class DocumentUris {
  private final BundledFiles bundled;
  private final Map<String, String> uriByPath = new ConcurrentHashMap<>();

  DocumentUris(BundledFiles bundled) {
    this.bundled = bundled;
  }

  /** The path to check the document {@code uri} under; remembered so spans map back to {@code uri}. */
  String pathOf(String uri) {
    String path = uri;
    try {
      URI u = URI.create(uri);
      if ("file".equals(u.getScheme())) {
        path = Path.of(u).toString();
      }
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      // Not a URI Java can map to a path: keep the URI as the name.
    }
    uriByPath.put(path, uri);
    return path;
  }

  /** The URI of the file a span names, or null when it cannot be opened (generated code). */
  String uriOf(String file) {
    String known = uriByPath.get(file);
    if (known != null) {
      return known;
    }
    if (file.startsWith("std/")) {
      return bundled.uri(file);
    }
    try {
      Path p = Path.of(file);
      return p.isAbsolute() ? p.toUri().toString() : null;
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /** The link to a diagnostic code's documentation page, or null. */
  String docsUri(String docPath) {
    return bundled.uri(docPath);
  }
}
