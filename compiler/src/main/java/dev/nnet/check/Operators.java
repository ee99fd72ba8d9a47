package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Expr;
import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Op;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.UnaryFn;
import java.util.List;

/**
 * The operators of the language on checker values: integer dimension arithmetic ({@code 4 * hidden},
 * floor division), float and bool arithmetic on hyperparameters, and elementwise or matrix operations
 * on traced tensors, where numbers become scalar constants of the tensor's dtype.
 */
final class Operators {
  private Operators() {}

  static Val unary(Tracer tracer, Expr.Unary u, Val v) throws CheckError {
    switch (u.op()) {
      case "+":
        return v;
      case "-":
        if (v instanceof Val.Int i) return new Val.Int(exact(() -> i.value().times(Dim.of(-1)), "-" + text(i.value()), u.span()));
        if (v instanceof Val.Float f) return new Val.Float(-f.value());
        if (v instanceof Val.Tensor t) return tracer.tensor(new Op.Unary(UnaryFn.NEG), u.span(), t);
        break;
      case "not":
        if (v instanceof Val.Bool b) return new Val.Bool(!b.value());
        if (v instanceof Val.Tensor t && t.value().dtype() == DType.BOOL) {
          return tracer.tensor(new Op.Binary(BinaryFn.EQ), u.span(), t, tracer.constant(0, DType.BOOL, u.span()));
        }
        break;
      default:
        break;
    }
    throw Tracer.error(ErrorCode.ARGUMENT_TYPE, u.span(), "`" + u.op() + "` cannot be applied to " + v.describe());
  }

  /** Integer arithmetic that must not wrap: an overflow is an error at {@code span} showing {@code text}. */
  private static Dim exact(java.util.function.Supplier<Dim> op, String text, SourceSpan span) throws CheckError {
    try {
      return op.get();
    } catch (dev.nnet.ir.DimensionTooLarge e) {
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, span, e.getMessage())
          .withHelp("check the sizes this expression computes with"));
    } catch (ArithmeticException e) {
      throw overflow(text, span);
    }
  }

  /** {@code base ** exponent} for {@code exponent >= 0}, exactly (|base| >= 2 overflows within 63 factors). */
  private static long power(long base, long exponent, SourceSpan span) throws CheckError {
    if (base == 0 || base == 1) {
      return exponent == 0 ? 1 : base;
    }
    if (base == -1) {
      return exponent % 2 == 0 ? 1 : -1;
    }
    long result = 1;
    try {
      for (long i = 0; i < exponent; i++) {
        result = Math.multiplyExact(result, base);
      }
    } catch (ArithmeticException e) {
      throw overflow(base + " ** " + exponent, span);
    }
    return result;
  }

  /** A dim as an operand in a message: parenthesized when it is a sum. */
  private static String text(Dim d) {
    String t = d.toString();
    return t.contains(" ") ? "(" + t + ")" : t;
  }

  private static CheckError overflow(String text, SourceSpan span) {
    return new CheckError(Diagnostic.error(ErrorCode.INTEGER_OVERFLOW, span,
        "`" + text + "` overflows: integers are 64-bit, at most " + String.format("%,d", Long.MAX_VALUE))
        .withHelp("no tensor dimension or hyperparameter can be that large; check the arithmetic"));
  }

  static Val binary(Tracer tracer, String op, Val a, Val b, Expr.Binary where) throws CheckError {
    SourceSpan span = where.span();
    if (a instanceof Val.Tensor || b instanceof Val.Tensor) {
      return tensorBinary(tracer, op, a, b, where);
    }
    if (op.equals("and") || op.equals("or")) {
      if (a instanceof Val.Bool x && b instanceof Val.Bool y) {
        return new Val.Bool(op.equals("and") ? x.value() && y.value() : x.value() || y.value());
      }
      throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "`" + op + "` needs bools, got " + a.describe() + " and " + b.describe());
    }
    if (a instanceof Val.Int x && b instanceof Val.Int y) {
      Dim p = x.value();
      Dim q = y.value();
      switch (op) {
        case "+": return new Val.Int(exact(() -> p.plus(q), text(p) + " + " + text(q), span));
        case "-": return new Val.Int(exact(() -> p.minus(q), text(p) + " - " + text(q), span));
        case "*": return new Val.Int(exact(() -> p.times(q), text(p) + " * " + text(q), span));
        case "/":
          if (q.isConstant() && q.constant() == 0) throw Tracer.error(ErrorCode.INVALID_VALUE, span, "division by zero");
          if (p.isConstant() && q.isConstant() && p.constant() % q.constant() != 0) {
            tracer.noteRoundedDivision(new RoundedDivision(span, p.constant(), q.constant(),
                RoundedDivision.Setting.of(tracer.text(where.left().span()), p.constant(), tracer.writtenAt(a), span),
                RoundedDivision.Setting.of(tracer.text(where.right().span()), q.constant(), tracer.writtenAt(b), span)));
          }
          return new Val.Int(p.floorDiv(q));
        default:
          break;
      }
      if (p.isConstant() && q.isConstant()) {
        long l = p.constant();
        long r = q.constant();
        switch (op) {
          case "%":
            if (r == 0) throw Tracer.error(ErrorCode.INVALID_VALUE, span, "division by zero");
            return Val.Int.of(Math.floorMod(l, r));
          case "**": return r >= 0 ? Val.Int.of(power(l, r, span)) : new Val.Float(Math.pow(l, r));
          case "==": return new Val.Bool(l == r);
          case "!=": return new Val.Bool(l != r);
          case "<": return new Val.Bool(l < r);
          case "<=": return new Val.Bool(l <= r);
          case ">": return new Val.Bool(l > r);
          case ">=": return new Val.Bool(l >= r);
          default: break;
        }
      } else if (op.equals("==") || op.equals("!=")) {
        return new Val.Bool(p.equals(q) == op.equals("=="));
      }
    }
    Double x = number(a);
    Double y = number(b);
    if (x != null && y != null) {
      switch (op) {
        case "+": return new Val.Float(x + y);
        case "-": return new Val.Float(x - y);
        case "*": return new Val.Float(x * y);
        case "/": return new Val.Float(x / y);
        case "%": return new Val.Float(x % y);
        case "**": return new Val.Float(Math.pow(x, y));
        case "==": return new Val.Bool(x.doubleValue() == y.doubleValue());
        case "!=": return new Val.Bool(x.doubleValue() != y.doubleValue());
        case "<": return new Val.Bool(x < y);
        case "<=": return new Val.Bool(x <= y);
        case ">": return new Val.Bool(x > y);
        case ">=": return new Val.Bool(x >= y);
        default: break;
      }
    }
    if (a instanceof Val.Str s && b instanceof Val.Str t) {
      if (op.equals("+")) return new Val.Str(s.value() + t.value());
      if (op.equals("==")) return new Val.Bool(s.value().equals(t.value()));
      if (op.equals("!=")) return new Val.Bool(!s.value().equals(t.value()));
    }
    if (a instanceof Val.Bool s && b instanceof Val.Bool t && (op.equals("==") || op.equals("!="))) {
      return new Val.Bool((s.value() == t.value()) == op.equals("=="));
    }
    throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "`" + op + "` cannot combine " + a.describe() + " and " + b.describe());
  }

  private static Double number(Val v) {
    if (v instanceof Val.Float f) return f.value();
    if (v instanceof Val.Int i && i.value().isConstant()) return (double) i.value().constant();
    return null;
  }

  private static Val tensorBinary(Tracer tracer, String op, Val a, Val b, Expr.Binary where) throws CheckError {
    SourceSpan span = where.span();
    if (op.equals("@")) {
      Val.Tensor x = tracer.asTensor(a, null, where.left().span());
      Val.Tensor y = tracer.asTensor(b, null, where.right().span());
      try {
        return tracer.tensorAt(new Op.MatMul(), span, List.of(x, y), List.of(where.left().span(), where.right().span()));
      } catch (CheckError e) {
        throw withHelp(e, OperandFix.matmul(x, tracer.text(where.left().span()), y, tracer.text(where.right().span())));
      }
    }
    DType dtype = a instanceof Val.Tensor t ? t.value().dtype() : ((Val.Tensor) b).value().dtype();
    Val.Tensor x = tracer.asTensor(a, dtype, where.left().span());
    Val.Tensor y = tracer.asTensor(b, dtype, where.right().span());
    BinaryFn fn = switch (op) {
      case "+" -> BinaryFn.ADD;
      case "-" -> BinaryFn.SUB;
      case "*" -> BinaryFn.MUL;
      case "/" -> BinaryFn.DIV;
      case "**" -> BinaryFn.POW;
      case "==" -> BinaryFn.EQ;
      case "!=" -> BinaryFn.NE;
      case "<" -> BinaryFn.LT;
      case "<=" -> BinaryFn.LE;
      case ">" -> BinaryFn.GT;
      case ">=" -> BinaryFn.GE;
      case "and" -> BinaryFn.AND;
      case "or" -> BinaryFn.OR;
      default -> throw Tracer.error(ErrorCode.ARGUMENT_TYPE, span, "`" + op + "` is not defined on tensors");
    };
    try {
      return tracer.tensorAt(new Op.Binary(fn), span, List.of(x, y), List.of(where.left().span(), where.right().span()));
    } catch (CheckError e) {
      boolean arithmetic = !fn.isComparison() && !fn.isLogical();
      throw withHelp(e, OperandFix.elementwise(op, arithmetic, x, tracer.text(where.left().span()), y,
          tracer.text(where.right().span())));
    }
  }

  private static CheckError withHelp(CheckError e, String help) {
    return help == null || e.diagnostic() == null || e.diagnostic().help() != null ? e
        : new CheckError(e.diagnostic().withHelp(help));
  }
}
