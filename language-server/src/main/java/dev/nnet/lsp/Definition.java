package dev.nnet.lsp;

import dev.nnet.front.ast.Decl;
import dev.nnet.ir.SourceSpan;

/**
 * A name a program defines and where: what go-to-definition jumps to, what completion offers and
 * what the outline lists.
 *
 * @param name the name as written
 * @param kind what it names
 * @param span where it is defined (its name where the AST keeps that, else the whole definition)
 * @param decl the declaration, for layers, models and functions (their signature); otherwise null
 * @param detail a short description: a parameter's type and default, a field's value
 */
record Definition(String name, Kind kind, SourceSpan span, Decl decl, String detail) {

  /** What a definition names. */
  enum Kind { LAYER, MODEL, FUNCTION, GLOBAL, DATA, DATA_FIELD, HYPERPARAMETER, PARAMETER, FIELD, METHOD, ARGUMENT, LOCAL }

  /** Whether the definition comes from the standard library rather than the document. */
  boolean inStdlib() {
    return span != null && span.file().startsWith("std/");
  }
}
