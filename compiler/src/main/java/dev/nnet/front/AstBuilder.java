package dev.nnet.front;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.Import;
import dev.nnet.front.ast.Member;
import dev.nnet.front.ast.Program;
import dev.nnet.front.ast.Stmt;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.grammar.NNetParser;
import dev.nnet.grammar.NNetParser.*;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Builds the AST from ANTLR's parse tree. The tree may be incomplete after syntax errors: any
 * missing piece becomes {@link Expr.Error} (or is left out), so the rest of the file can still be
 * checked.
 */
final class AstBuilder {
  private final String file;
  /** Errors found while building: literals out of range (the grammar accepts any digits). */
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  /** How many {@link #expr} calls are under way: the nesting depth of the current expression. */
  private int depth;

  AstBuilder(String file) {
    this.file = file;
  }

  /** The errors found while building the AST, in source order. */
  List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  Program program(ProgramContext ctx) {
    List<Import> imports = new ArrayList<>();
    for (ImportDeclContext i : ctx.importDecl()) {
      if (i.qualifiedName() == null) {
        continue;
      }
      List<String> names = i.name().stream().map(this::name).toList();
      imports.add(new Import(qualified(i.qualifiedName()), names, i.STAR() != null, span(i)));
    }
    List<Decl> decls = new ArrayList<>();
    for (TopDeclContext t : ctx.topDecl()) {
      Decl d = topDecl(t);
      if (d != null) {
        decls.add(d);
      }
    }
    return new Program(file, imports, decls);
  }

  private Decl topDecl(TopDeclContext t) {
    if (t.layerDecl() != null) {
      return layer(t.layerDecl());
    }
    if (t.fnDecl() != null) {
      Member.FnDecl fn = fn(t.fnDecl());
      return fn == null ? null : new Decl.Fn(fn, span(t));
    }
    if (t.dataDecl() != null) {
      return data(t.dataDecl());
    }
    if (t.trainDecl() != null) {
      return train(t.trainDecl());
    }
    if (t.letDecl() != null && !name(t.letDecl().name()).isEmpty()) {
      LetDeclContext l = t.letDecl();
      return new Decl.Let(name(l.name()), expr(l.expr()), span(l), span(l.name()));
    }
    return null;
  }

  private Decl.Layer layer(LayerDeclContext ctx) {
    if (ctx.name() == null) {
      return null;
    }
    List<Decl.HyperParam> params = new ArrayList<>();
    if (ctx.paramList() != null) {
      for (HyperParamContext h : ctx.paramList().hyperParam()) {
        if (h.name() != null) {
          params.add(new Decl.HyperParam(name(h.name()), typeRef(h.typeRef()), exprOrNull(h.expr()), span(h)));
        }
      }
    }
    List<Member> members = new ArrayList<>();
    for (MemberContext m : ctx.member()) {
      Member member = member(m);
      if (member != null) {
        members.add(member);
      }
    }
    boolean isModel = ctx.kind != null && ctx.kind.getType() == NNetParser.MODEL;
    return new Decl.Layer(name(ctx.name()), isModel, params, members, span(ctx), span(ctx.name()));
  }

  private Member member(MemberContext m) {
    if (m instanceof ParamMemberContext p && p.name() != null) {
      return new Member.Param(name(p.name()), true, tensorType(p.tensorType()), exprOrNull(p.init),
          exprOrNull(p.cond), span(p), span(p.name()));
    }
    if (m instanceof BufferMemberContext b && b.name() != null) {
      return new Member.Param(name(b.name()), false, tensorType(b.tensorType()), exprOrNull(b.init),
          exprOrNull(b.cond), span(b), span(b.name()));
    }
    if (m instanceof ForwardMemberContext f) {
      ForwardDeclContext fd = f.forwardDecl();
      return new Member.Forward(new Member.FnDecl("forward", fnParams(fd.fnParams()), typeRefOrNull(fd.typeRef()),
          body(fd.body()), span(fd), span(fd.FORWARD().getSymbol())), span(fd));
    }
    if (m instanceof MethodMemberContext mm) {
      Member.FnDecl fn = fn(mm.fnDecl());
      return fn == null ? null : new Member.Method(fn, span(mm));
    }
    if (m instanceof FieldMemberContext fm && fm.name() != null) {
      return new Member.Field(name(fm.name()), expr(fm.expr()), span(fm), span(fm.name()));
    }
    return null;
  }

  private Member.FnDecl fn(FnDeclContext ctx) {
    if (ctx == null || ctx.name() == null) {
      return null;
    }
    return new Member.FnDecl(name(ctx.name()), fnParams(ctx.fnParams()), typeRefOrNull(ctx.typeRef()), body(ctx.body()),
        span(ctx), span(ctx.name()));
  }

  private List<Member.FnDecl.Param> fnParams(FnParamsContext ctx) {
    List<Member.FnDecl.Param> out = new ArrayList<>();
    if (ctx != null) {
      for (FnParamContext p : ctx.fnParam()) {
        if (p.name() != null) {
          out.add(new Member.FnDecl.Param(name(p.name()), typeRefOrNull(p.typeRef()), exprOrNull(p.expr()), span(p)));
        }
      }
    }
    return out;
  }

  private Expr body(BodyContext ctx) {
    if (ctx == null) {
      return new Expr.Error(SourceSpan.NONE);
    }
    if (ctx.block() != null) {
      return block(ctx.block());
    }
    return expr(ctx.expr());
  }

  private Expr.Block block(BlockContext ctx) {
    List<Stmt> stmts = new ArrayList<>();
    for (StmtContext s : ctx.stmt()) {
      if (s instanceof LetStmtContext l && l.pattern() != null && l.pattern().name().isEmpty()) {
        continue; // `let * = ...`: no name parsed; the parser has reported it
      } else if (s instanceof LetStmtContext l && l.pattern() != null) {
        List<String> names = l.pattern().name().stream().map(this::name).toList();
        stmts.add(new Stmt.Let(names, l.pattern().LPAREN() != null, expr(l.expr()), span(l)));
      } else if (s instanceof UpdateStmtContext u && u.name() != null) {
        stmts.add(new Stmt.Update(name(u.name()), span(u.name()), expr(u.expr()), span(u)));
      } else if (s instanceof ReturnStmtContext r) {
        stmts.add(new Stmt.Return(expr(r.expr()), span(r)));
      } else if (s instanceof ExprStmtContext e) {
        stmts.add(new Stmt.ExprStmt(expr(e.expr()), span(e)));
      }
    }
    return new Expr.Block(stmts, span(ctx));
  }

  private Decl.Data data(DataDeclContext ctx) {
    if (ctx.name() == null) {
      return null;
    }
    List<Decl.DataField> fields = new ArrayList<>();
    List<Decl.Split> splits = new ArrayList<>();
    for (DataItemContext item : ctx.dataItem()) {
      if (item instanceof FieldItemContext f && f.name() != null) {
        fields.add(new Decl.DataField(name(f.name()), typeRefOrNull(f.typeRef()), expr(f.expr()), span(f)));
      } else if (item instanceof SplitItemsContext s) {
        for (SplitItemContext si : s.splitItem()) {
          if (si.name() != null) {
            splits.add(new Decl.Split(name(si.name()), expr(si.expr()), span(si)));
          }
        }
      }
    }
    return new Decl.Data(name(ctx.name()), expr(ctx.expr()), fields, splits, span(ctx), span(ctx.name()));
  }

  private Decl.Train train(TrainDeclContext ctx) {
    List<Decl.Setting> settings = new ArrayList<>();
    List<Member.FnDecl> steps = new ArrayList<>();
    for (TrainItemContext item : ctx.trainItem()) {
      if (item instanceof SettingItemContext s && s.name() != null) {
        settings.add(new Decl.Setting(name(s.name()), expr(s.expr()), span(s), span(s.name())));
      } else if (item instanceof StepItemContext st) {
        Member.FnDecl fn = fn(st.fnDecl());
        if (fn != null) {
          steps.add(fn);
        }
      }
    }
    String data = ctx.name() == null ? "" : name(ctx.name());
    return new Decl.Train(expr(ctx.expr()), data, settings, steps, span(ctx), span(ctx.TRAIN().getSymbol()),
        ctx.name() == null ? SourceSpan.NONE : span(ctx.name()));
  }

  // ---- types ----------------------------------------------------------------------------------

  private TypeRef typeRefOrNull(TypeRefContext ctx) {
    return ctx == null ? null : typeRef(ctx);
  }

  private TypeRef typeRef(TypeRefContext ctx) {
    if (ctx == null) {
      return null;
    }
    if (ctx.tensorType() != null) {
      return tensorType(ctx.tensorType());
    }
    if (ctx.name() == null) {
      return null;
    }
    return new TypeRef.Named(name(ctx.name()), List.of(), span(ctx));
  }

  private TypeRef.Tensor tensorType(TensorTypeContext ctx) {
    if (ctx == null) {
      return null;
    }
    List<TypeRef.DimRef> dims = new ArrayList<>();
    for (DimDeclContext d : ctx.dimDecl()) {
      if (d instanceof VariadicDimContext v && v.name() != null) {
        dims.add(new TypeRef.DimRef.Variadic(name(v.name()), span(v)));
      } else if (d instanceof ExprDimContext e) {
        dims.add(new TypeRef.DimRef.Of(expr(e.expr()), span(e)));
      }
    }
    return new TypeRef.Tensor(ctx.dtype == null ? null : name(ctx.dtype), dims, span(ctx));
  }

  // ---- expressions ----------------------------------------------------------------------------

  private Expr exprOrNull(ExprContext ctx) {
    return ctx == null ? null : expr(ctx);
  }

  Expr expr(ExprContext ctx) {
    // Left-associative chains (`a + b + c ...`) nest in the tree without nesting in the parser,
    // so the depth is checked again here, before anything recurses over the AST.
    if (++depth > NestingTooDeep.MAX_EXPRESSION_DEPTH) {
      throw new NestingTooDeep(ctx == null ? SourceSpan.NONE : span(ctx));
    }
    try {
      return exprWithin(ctx);
    } finally {
      depth--;
    }
  }

  private Expr exprWithin(ExprContext ctx) {
    if (ctx == null || ctx.exception != null && ctx.getChildCount() == 0) {
      return new Expr.Error(ctx == null ? SourceSpan.NONE : span(ctx));
    }
    SourceSpan s = span(ctx);
    if (ctx instanceof CallExprContext c) {
      List<Expr.Arg> args = new ArrayList<>();
      if (c.args() != null) {
        for (ArgContext a : c.args().arg()) {
          args.add(new Expr.Arg(a.name() == null ? null : name(a.name()), expr(a.expr()), span(a)));
        }
      }
      return new Expr.Call(expr(c.expr()), args, s);
    }
    if (ctx instanceof IndexExprContext ix) {
      List<Expr.IndexItem> items = new ArrayList<>();
      for (IndexItemContext it : ix.indexItem()) {
        if (it instanceof OpenRangeIndexContext r) {
          items.add(new Expr.IndexItem.Slice(null, exprOrNull(r.expr()), span(r)));
        } else if (it instanceof EllipsisIndexContext el) {
          items.add(new Expr.IndexItem.Ellipsis(span(el)));
        } else if (it instanceof ExprIndexContext e && e.RANGE() != null) {
          items.add(new Expr.IndexItem.Slice(expr(e.expr(0)), e.expr().size() > 1 ? expr(e.expr(1)) : null, span(e)));
        } else if (it instanceof ExprIndexContext e && e.expr(0) instanceof RangeExprContext r) {
          // `a..b` parsed whole as a range expression (the grammar shares the prefix): a slice.
          items.add(new Expr.IndexItem.Slice(expr(r.expr(0)), expr(r.expr(1)), span(e)));
        } else if (it instanceof ExprIndexContext e) {
          items.add(new Expr.IndexItem.At(expr(e.expr(0)), span(e)));
        }
      }
      return new Expr.Index(expr(ix.expr()), items, s);
    }
    if (ctx instanceof MemberExprContext m) {
      return new Expr.Member(expr(m.expr()), m.name() == null ? "" : name(m.name()), s);
    }
    if (ctx instanceof PrimaryExprContext p) {
      return primary(p.primary());
    }
    if (ctx instanceof PowExprContext p) {
      return new Expr.Binary("**", expr(p.expr(0)), expr(p.expr(1)), s);
    }
    if (ctx instanceof UnaryExprContext u) {
      return new Expr.Unary(u.op.getText(), expr(u.expr()), s);
    }
    if (ctx instanceof MulExprContext m) {
      return new Expr.Binary(m.op.getText(), expr(m.expr(0)), expr(m.expr(1)), s);
    }
    if (ctx instanceof AddExprContext a) {
      return new Expr.Binary(a.op.getText(), expr(a.expr(0)), expr(a.expr(1)), s);
    }
    if (ctx instanceof RangeExprContext r) {
      return new Expr.Range(expr(r.expr(0)), expr(r.expr(1)), s);
    }
    if (ctx instanceof CompareExprContext c) {
      return new Expr.Binary(c.op.getText(), expr(c.expr(0)), expr(c.expr(1)), s);
    }
    if (ctx instanceof NotExprContext n) {
      return new Expr.Unary("not", expr(n.expr()), s);
    }
    if (ctx instanceof AndExprContext a) {
      return new Expr.Binary("and", expr(a.expr(0)), expr(a.expr(1)), s);
    }
    if (ctx instanceof OrExprContext o) {
      return new Expr.Binary("or", expr(o.expr(0)), expr(o.expr(1)), s);
    }
    if (ctx instanceof PipeExprContext p) {
      return new Expr.Pipe(expr(p.expr(0)), expr(p.expr(1)), s);
    }
    if (ctx instanceof IfExprContext i) {
      return new Expr.If(expr(i.expr(0)), expr(i.expr(1)), expr(i.expr(2)), s);
    }
    return new Expr.Error(s);
  }

  private Expr primary(PrimaryContext p) {
    if (p == null) {
      return new Expr.Error(SourceSpan.NONE);
    }
    SourceSpan s = span(p);
    try {
      if (p instanceof IntLitContext i) {
        return new Expr.IntLit(Long.parseLong(i.INT().getText().replace("_", "")), s);
      }
      if (p instanceof FloatLitContext f) {
        return new Expr.FloatLit(Double.parseDouble(f.FLOAT().getText().replace("_", "")), s);
      }
    } catch (NumberFormatException e) {
      // Only an integer can fail (a float too large is infinity); an Expr.Error stops the checker
      // without another message, so this is the one diagnostic.
      diagnostics.add(Diagnostic.error(ErrorCode.INTEGER_OVERFLOW, s, "integer literal `" + p.getText()
          + "` does not fit in 64 bits (at most " + String.format("%,d", Long.MAX_VALUE) + ")")
          .withHelp("write a smaller number, or a float such as `1e30` where a float is meant"));
      return new Expr.Error(s);
    }
    if (p instanceof StringLitContext str) {
      return new Expr.StringLit(unquote(str.STRING().getText()), s);
    }
    if (p instanceof BoolLitContext b) {
      return new Expr.BoolLit(b.TRUE() != null, s);
    }
    if (p instanceof NameRefContext n) {
      return new Expr.Name(name(n.name()), s);
    }
    if (p instanceof ParenExprContext pe && pe.COMMA().isEmpty()) {
      return expr(pe.expr(0));
    }
    if (p instanceof ParenExprContext t) {
      return new Expr.Tuple(t.expr().stream().map(this::expr).toList(), s);
    }
    if (p instanceof ListExprContext l) {
      return new Expr.ListLit(l.expr().stream().map(this::expr).toList(), s);
    }
    return new Expr.Error(s);
  }

  private static String unquote(String text) {
    String body = text.substring(1, text.length() - 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char n = body.charAt(++i);
        sb.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The name's text; empty when it is missing, including a token error recovery conjured (`<missing ID>`). */
  private String name(NameContext ctx) {
    return ctx == null || ctx.getStart() == null || ctx.getStart().getTokenIndex() < 0 ? "" : ctx.getText();
  }

  private String qualified(QualifiedNameContext ctx) {
    return String.join(".", ctx.name().stream().map(this::name).toList());
  }

  private SourceSpan span(ParserRuleContext ctx) {
    Token start = ctx.getStart();
    Token stop = ctx.getStop() == null || ctx.getStop().getTokenIndex() < start.getTokenIndex() ? start : ctx.getStop();
    return between(start, stop);
  }

  private SourceSpan span(Token t) {
    return between(t, t);
  }

  private SourceSpan between(Token start, Token stop) {
    String text = stop.getType() == Token.EOF ? "" : stop.getText();
    int endLine = stop.getLine();
    int endCol = stop.getCharPositionInLine() + 1 + (text == null ? 0 : text.length());
    int nl = text == null ? -1 : text.lastIndexOf('\n');
    if (nl >= 0) {
      endLine += (int) text.chars().filter(c -> c == '\n').count();
      endCol = text.length() - nl;
    }
    return new SourceSpan(file, start.getLine(), start.getCharPositionInLine() + 1, endLine, endCol);
  }
}
