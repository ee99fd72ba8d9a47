package dev.nnet.lsp;

import dev.nnet.driver.Compiler;

/**
 * One check of one version of an open document: what every feature (hover, definitions, hints)
 * answers from, so they all agree with the diagnostics the client is showing.
 *
 * @param uri the document
 * @param version the client's version of the text that was checked
 * @param path the name the compiler checked it under (see {@link DocumentUris})
 * @param text the text that was checked
 * @param result the compiler's result, with its {@link dev.nnet.check.TypeIndex}
 */
record Analysis(String uri, int version, String path, String text, Compiler.Result result) {}
