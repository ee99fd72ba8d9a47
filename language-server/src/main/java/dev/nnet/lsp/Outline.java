package dev.nnet.lsp;

import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.Program;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolKind;

/**
 * The document outline: each declaration, with a layer's fields, parameters, forward and methods, a
 * data set's fields and splits, and a train block's settings below it.
 */
final class Outline {
  private Outline() {}

  static List<DocumentSymbol> symbols(Program program) {
    List<DocumentSymbol> out = new ArrayList<>();
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Layer l) {
        DocumentSymbol s = symbol(l.name(), l.isModel() ? "model" : "layer", SymbolKind.Class, l.span(), l.nameSpan());
        List<DocumentSymbol> children = new ArrayList<>();
        for (Member m : l.members()) {
          if (m instanceof Member.Param p) {
            children.add(symbol(p.name(), p.trainable() ? "param" : "buffer", SymbolKind.Property, p.span(), p.nameSpan()));
          } else if (m instanceof Member.Field f) {
            children.add(symbol(f.name(), null, SymbolKind.Field, f.span(), f.nameSpan()));
          } else if (m instanceof Member.Forward fw) {
            children.add(symbol("forward", null, SymbolKind.Method, fw.span(), fw.fn().nameSpan()));
          } else if (m instanceof Member.Method mm) {
            children.add(symbol(mm.name(), null, SymbolKind.Method, mm.span(), mm.fn().nameSpan()));
          }
        }
        s.setChildren(children);
        out.add(s);
      } else if (d instanceof Decl.Fn f) {
        out.add(symbol(f.name(), "fn", SymbolKind.Function, f.span(), f.nameSpan()));
      } else if (d instanceof Decl.Let let) {
        out.add(symbol(let.name(), "let", SymbolKind.Constant, let.span(), let.nameSpan()));
      } else if (d instanceof Decl.Data data) {
        DocumentSymbol s = symbol(data.name(), "data", SymbolKind.Module, data.span(), data.nameSpan());
        List<DocumentSymbol> children = new ArrayList<>();
        for (Decl.DataField f : data.fields()) {
          children.add(symbol(f.name(), null, SymbolKind.Field, f.span(), f.span()));
        }
        for (Decl.Split sp : data.splits()) {
          children.add(symbol(sp.name(), "split", SymbolKind.EnumMember, sp.span(), sp.span()));
        }
        s.setChildren(children);
        out.add(s);
      } else if (d instanceof Decl.Train t) {
        DocumentSymbol s = symbol("train on " + t.data(), null, SymbolKind.Event, t.span(), t.nameSpan());
        List<DocumentSymbol> children = new ArrayList<>();
        for (Decl.Setting st : t.settings()) {
          children.add(symbol(st.name(), null, SymbolKind.Property, st.span(), st.nameSpan()));
        }
        s.setChildren(children);
        out.add(s);
      }
    }
    return out;
  }

  private static DocumentSymbol symbol(String name, String detail, SymbolKind kind, SourceSpan span, SourceSpan nameSpan) {
    DocumentSymbol s = new DocumentSymbol(name, kind, SourceRanges.range(span),
        SourceRanges.range(nameSpan == null || !within(nameSpan, span) ? span : nameSpan));
    s.setDetail(detail);
    return s;
  }

  /** LSP requires the selection range to lie inside the full range. */
  private static boolean within(SourceSpan inner, SourceSpan outer) {
    return inner.isKnown() && SourceRanges.contains(outer, SourceRanges.range(inner).getStart())
        && SourceRanges.contains(outer, SourceRanges.range(inner).getEnd());
  }
}
