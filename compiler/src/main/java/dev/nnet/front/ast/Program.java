package dev.nnet.front.ast;

import java.util.List;

/** One parsed file: its imports and declarations. */
public record Program(String file, List<Import> imports, List<Decl> decls) {
  public Program {
    imports = List.copyOf(imports);
    decls = List.copyOf(decls);
  }
}
