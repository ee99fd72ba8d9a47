package dev.nnet.check;

import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Stmt;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The names an expression mentions, read from its syntax alone (nothing is evaluated): every
 * {@link Expr.Name} anywhere inside it. Used to tell a train block's local values (a setting that a
 * later setting reads) from settings nothing reads.
 */
final class NamesUsed {
  private final Set<String> names = new LinkedHashSet<>();

  private NamesUsed() {}

  /** The names {@code e} mentions. */
  static Set<String> in(Expr e) {
    NamesUsed n = new NamesUsed();
    n.visit(e);
    return n.names;
  }

  private void visit(Expr e) {
    if (e == null) {
      return;
    }
    if (e instanceof Expr.Name n) {
      names.add(n.name());
    } else if (e instanceof Expr.Unary u) {
      visit(u.operand());
    } else if (e instanceof Expr.Binary b) {
      visit(b.left());
      visit(b.right());
    } else if (e instanceof Expr.Pipe p) {
      visit(p.value());
      visit(p.stage());
    } else if (e instanceof Expr.Call c) {
      visit(c.callee());
      c.args().forEach(a -> visit(a.value()));
    } else if (e instanceof Expr.Index ix) {
      visit(ix.target());
      for (Expr.IndexItem item : ix.items()) {
        if (item instanceof Expr.IndexItem.At at) {
          visit(at.index());
        } else if (item instanceof Expr.IndexItem.Slice sl) {
          visit(sl.from());
          visit(sl.to());
        }
      }
    } else if (e instanceof Expr.Member m) {
      visit(m.target());
    } else if (e instanceof Expr.Range r) {
      visit(r.from());
      visit(r.to());
    } else if (e instanceof Expr.If i) {
      visit(i.cond());
      visit(i.then());
      visit(i.otherwise());
    } else if (e instanceof Expr.Tuple t) {
      t.items().forEach(this::visit);
    } else if (e instanceof Expr.ListLit l) {
      l.items().forEach(this::visit);
    } else if (e instanceof Expr.Block b) {
      for (Stmt s : b.stmts()) {
        visit(s instanceof Stmt.Let let ? let.value() : s instanceof Stmt.Update u ? u.value() : s instanceof Stmt.Return r ? r.value()
            : ((Stmt.ExprStmt) s).value());
      }
    }
    // Literals and parse errors mention no name.
  }
}
