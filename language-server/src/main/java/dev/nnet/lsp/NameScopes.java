package dev.nnet.lsp;

import dev.nnet.diag.SourceFile;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.Program;
import dev.nnet.front.ast.Stmt;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.Position;

/**
 * Which names are visible at a position of a document, and which name is under it. This follows
 * the language's lexical scoping (standard library, then the file's declarations, then a layer's
 * hyperparameters and members, a function's parameters, the {@code let}s before the position in
 * each enclosing block; in a {@code train} block, {@code model} and the data set's fields). It only
 * finds definitions; what a name evaluates to is the checker's business ({@code TypeIndex}).
 */
final class NameScopes {
  private final Program std;

  /** @param std the parsed standard library */
  NameScopes(Program std) {
    this.std = std;
  }

  /**
   * What is visible at a position: the definitions (outermost first, so a later one shadows an
   * earlier one of the same name), and the name written under the position, if any.
   */
  record At(List<Definition> visible, String name, SourceSpan nameSpan) {
    /** The definition the name under the position refers to, or null (a built-in, or unknown). */
    Definition resolve() {
      if (name == null) {
        return null;
      }
      for (int i = visible.size() - 1; i >= 0; i--) {
        if (visible.get(i).name().equals(name)) {
          return visible.get(i);
        }
      }
      return null;
    }
  }

  /**
   * What is visible at {@code p} in {@code file}; {@code sources} (the check's) gives the text of
   * details such as default values.
   */
  At at(Program file, Map<String, SourceFile> sources, Position p) {
    Walk w = new Walk(p, sources);
    List<Definition> env = new ArrayList<>();
    w.addDecls(std, env);
    w.addDecls(file, env);
    for (Decl d : file.decls()) {
      if (d.nameSpan() != null && SourceRanges.contains(d.nameSpan(), p) && !(d instanceof Decl.Train)) {
        w.found(d.name(), d.nameSpan(), env);
      } else if (SourceRanges.contains(d.span(), p)) {
        w.decl(d, file, env);
      }
    }
    return w.result != null ? w.result : new At(w.deepest != null ? w.deepest : env, null, null);
  }

  /** One search for a position: walks the declaration under it, carrying the visible names. */
  private final class Walk {
    final Position p;
    final Map<String, SourceFile> sources;
    At result;
    List<Definition> deepest;

    Walk(Position p, Map<String, SourceFile> sources) {
      this.p = p;
      this.sources = sources;
    }

    void addDecls(Program program, List<Definition> out) {
      for (Decl d : program.decls()) {
        if (d instanceof Decl.Layer l) {
          out.add(new Definition(l.name(), l.isModel() ? Definition.Kind.MODEL : Definition.Kind.LAYER, l.nameSpan(), l,
              null));
        } else if (d instanceof Decl.Fn f) {
          out.add(new Definition(f.name(), Definition.Kind.FUNCTION, f.nameSpan(), f, null));
        } else if (d instanceof Decl.Let let) {
          out.add(new Definition(let.name(), Definition.Kind.GLOBAL, let.nameSpan(), null, text(let.value().span())));
        } else if (d instanceof Decl.Data data) {
          out.add(new Definition(data.name(), Definition.Kind.DATA, data.nameSpan(), data, null));
        }
      }
    }

    String text(SourceSpan span) {
      SourceFile f = span == null ? null : sources.get(span.file());
      return f == null ? "" : f.slice(span);
    }

    void found(String name, SourceSpan span, List<Definition> env) {
      if (result == null) {
        result = new At(List.copyOf(env), name, span);
      }
    }

    boolean inside(SourceSpan s) {
      return s != null && SourceRanges.contains(s, p);
    }

    void decl(Decl d, Program file, List<Definition> outer) {
      List<Definition> env = new ArrayList<>(outer);
      if (d instanceof Decl.Layer l) {
        for (Decl.HyperParam h : l.params()) {
          env.add(new Definition(h.name(), Definition.Kind.HYPERPARAMETER, h.span(), null, text(h.span())));
        }
        for (Member m : l.members()) {
          if (m instanceof Member.Param pm) {
            env.add(new Definition(pm.name(), Definition.Kind.PARAMETER, pm.nameSpan(), null, text(pm.type().span())));
          } else if (m instanceof Member.Field f) {
            env.add(new Definition(f.name(), Definition.Kind.FIELD, f.nameSpan(), null, text(f.value().span())));
          } else if (m instanceof Member.Method mm) {
            env.add(new Definition(mm.name(), Definition.Kind.METHOD, mm.fn().nameSpan(), null, null));
          }
        }
        deepest = env;
        for (Decl.HyperParam h : l.params()) {
          type(h.type(), env);
          expr(h.defaultValue(), env);
          if (inside(h.span())) {
            found(h.name(), h.span(), env); // on the name or the type
          }
        }
        for (Member m : l.members()) {
          if (!inside(m.span())) {
            continue;
          }
          if (m instanceof Member.Field f && inside(f.nameSpan())) {
            found(f.name(), f.nameSpan(), env);
          } else if (m instanceof Member.Param pm && inside(pm.nameSpan())) {
            found(pm.name(), pm.nameSpan(), env);
          }
          if (m instanceof Member.Param pm) {
            type(pm.type(), env);
            expr(pm.init(), env);
            expr(pm.condition(), env);
          } else if (m instanceof Member.Field f) {
            expr(f.value(), env);
          } else if (m instanceof Member.Forward fw) {
            fn(fw.fn(), env);
          } else if (m instanceof Member.Method mm) {
            fn(mm.fn(), env);
          }
        }
      } else if (d instanceof Decl.Fn f) {
        fn(f.fn(), env);
      } else if (d instanceof Decl.Let let) {
        expr(let.value(), env);
      } else if (d instanceof Decl.Data data) {
        deepest = env;
        expr(data.source(), env);
        for (Decl.DataField f : data.fields()) {
          type(f.type(), env);
          expr(f.value(), env);
        }
        for (Decl.Split s : data.splits()) {
          expr(s.value(), env);
        }
      } else if (d instanceof Decl.Train t) {
        train(t, file, env);
      }
    }

    void train(Decl.Train t, Program file, List<Definition> env) {
      Decl.Data data = file.decls().stream().filter(x -> x instanceof Decl.Data && x.name().equals(t.data()))
          .map(x -> (Decl.Data) x).findFirst().orElse(null);
      if (inside(t.dataSpan())) {
        found(t.data(), t.dataSpan(), env);
        return;
      }
      expr(t.model(), env);
      env.add(new Definition("model", Definition.Kind.LOCAL, t.model().span(), null, text(t.model().span())));
      if (data != null) {
        for (Decl.DataField f : data.fields()) {
          env.add(new Definition(f.name(), Definition.Kind.DATA_FIELD, f.span(), null,
              f.type() == null ? null : text(f.type().span())));
        }
      }
      deepest = env;
      for (Decl.Setting s : t.settings()) {
        expr(s.value(), env);
      }
      for (Member.FnDecl step : t.steps()) {
        fn(step, env);
      }
    }

    void fn(Member.FnDecl fn, List<Definition> outer) {
      if (!inside(fn.span())) {
        return;
      }
      List<Definition> env = new ArrayList<>(outer);
      for (Member.FnDecl.Param prm : fn.params()) {
        env.add(new Definition(prm.name(), Definition.Kind.ARGUMENT, prm.span(), null, text(prm.span())));
      }
      deepest = env;
      for (Member.FnDecl.Param prm : fn.params()) {
        type(prm.type(), env);
        expr(prm.defaultValue(), env);
        if (inside(prm.span())) {
          found(prm.name(), prm.span(), env); // on the name or the type
        }
      }
      type(fn.result(), env);
      expr(fn.body(), env);
    }

    void type(TypeRef t, List<Definition> env) {
      if (t == null || !inside(t.span())) {
        return;
      }
      if (t instanceof TypeRef.Tensor tensor) {
        for (TypeRef.DimRef d : tensor.dims()) {
          if (d instanceof TypeRef.DimRef.Of of) {
            expr(of.expr(), env);
          }
        }
      } else if (t instanceof TypeRef.Named n) {
        for (TypeRef a : n.args()) {
          type(a, env);
        }
      }
    }

    void expr(Expr e, List<Definition> env) {
      if (e == null || result != null || !inside(e.span())) {
        return;
      }
      if (e instanceof Expr.Name n) {
        found(n.name(), n.span(), env);
      } else if (e instanceof Expr.Unary u) {
        expr(u.operand(), env);
      } else if (e instanceof Expr.Binary b) {
        expr(b.left(), env);
        expr(b.right(), env);
      } else if (e instanceof Expr.Pipe pp) {
        expr(pp.value(), env);
        expr(pp.stage(), env);
      } else if (e instanceof Expr.Call c) {
        expr(c.callee(), env);
        for (Expr.Arg a : c.args()) {
          expr(a.value(), env);
        }
      } else if (e instanceof Expr.Index ix) {
        expr(ix.target(), env);
        for (Expr.IndexItem item : ix.items()) {
          if (item instanceof Expr.IndexItem.At at) {
            expr(at.index(), env);
          } else if (item instanceof Expr.IndexItem.Slice sl) {
            expr(sl.from(), env);
            expr(sl.to(), env);
          }
        }
      } else if (e instanceof Expr.Member m) {
        expr(m.target(), env);
      } else if (e instanceof Expr.Range r) {
        expr(r.from(), env);
        expr(r.to(), env);
      } else if (e instanceof Expr.If i) {
        expr(i.cond(), env);
        expr(i.then(), env);
        expr(i.otherwise(), env);
      } else if (e instanceof Expr.Tuple t) {
        t.items().forEach(x -> expr(x, env));
      } else if (e instanceof Expr.ListLit l) {
        l.items().forEach(x -> expr(x, env));
      } else if (e instanceof Expr.Block b) {
        block(b, env);
      }
    }

    void block(Expr.Block b, List<Definition> outer) {
      List<Definition> env = new ArrayList<>(outer);
      deepest = env;
      for (Stmt s : b.stmts()) {
        if (inside(s.span())) {
          Expr value = s instanceof Stmt.Let l ? l.value() : s instanceof Stmt.Update u ? u.value() : s instanceof Stmt.Return r ? r.value()
              : ((Stmt.ExprStmt) s).value();
          expr(value, env);
          if (result == null && s instanceof Stmt.Let l && !inside(value.span())) {
            // On the name of the let itself: it refers to its own definition.
            List<Definition> withSelf = new ArrayList<>(env);
            for (String n : l.names()) {
              withSelf.add(new Definition(n, Definition.Kind.LOCAL, s.span(), null, text(l.value().span())));
            }
            found(l.names().get(0), s.span(), withSelf);
          }
          return;
        }
        if (s instanceof Stmt.Let l) {
          for (String n : l.names()) {
            env.add(new Definition(n, Definition.Kind.LOCAL, s.span(), null, text(l.value().span())));
          }
        }
      }
    }
  }
}
