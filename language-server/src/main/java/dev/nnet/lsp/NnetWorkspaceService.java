package dev.nnet.lsp;

import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.services.WorkspaceService;

/** The workspace half of the protocol: nothing to react to yet, since each file is checked on its own. */
final class NnetWorkspaceService implements WorkspaceService {
  @Override
  public void didChangeConfiguration(DidChangeConfigurationParams params) {
    // No settings are read by the server.
  }

  @Override
  public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
    // Files import only the standard library, so a change elsewhere affects no open document.
  }
}
