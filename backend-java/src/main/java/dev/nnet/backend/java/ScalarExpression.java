package dev.nnet.backend.java;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.DType;
import dev.nnet.ir.Op;
import dev.nnet.ir.UnaryFn;
import java.util.List;

/**
 * The Java expression of one element of an elementwise op, given its operands' expressions, for
 * the body of a fused loop. Each expression computes exactly {@link UnaryFn#apply},
 * {@link BinaryFn#apply} or {@link BinaryFn#applyLong} (the kernels' definitions): the simple
 * ones are written out as the same Java arithmetic, the rest call those methods.
 *
 * <p>f32 and bool elements are Java {@code float}s (bool as 0 or 1), i64 elements {@code long}s.
 */
final class ScalarExpression {
  private ScalarExpression() {}

  /**
   * The element of {@code op} (an {@link Op.Elementwise}) from its operands' elements.
   *
   * @param operandTypes the operands' dtypes, which pick the f32 or i64 meaning and bool's 0/1 rule
   */
  static String of(Op.Elementwise op, List<String> operands, List<DType> operandTypes) {
    if (op instanceof Op.Unary u) {
      return unary(u.fn(), operands.get(0));
    }
    if (op instanceof Op.Binary b) {
      return binary(b.fn(), operands.get(0), operands.get(1), operandTypes.get(0));
    }
    if (op instanceof Op.Where) {
      if (operandTypes.get(1) == DType.I64) {
        return "(" + operands.get(0) + " != 0f ? " + operands.get(1) + " : " + operands.get(2) + ")";
      }
      // Branch-free: a ReLU's select on random signs would mispredict on every other element.
      return "dev.nnet.runtime.exec.BranchFreeSelect.where(" + operands.get(0) + ", " + operands.get(1) + ", "
          + operands.get(2) + ")";
    }
    if (op instanceof Op.Cast c) {
      return cast(operands.get(0), operandTypes.get(0), c.to());
    }
    if (op instanceof Op.StopGradient) {
      return operands.get(0);
    }
    throw new IllegalStateException("not an elementwise op: " + op.text());
  }

  /** The unary functions; those whose Java form is not plain arithmetic call {@link UnaryFn#apply}. */
  static String unary(UnaryFn fn, String x) {
    return switch (fn) {
      case NEG -> "(-" + x + ")";
      case EXP -> "(float) Math.exp(" + x + ")";
      case LOG -> "(float) Math.log(" + x + ")";
      case SQRT -> "(float) Math.sqrt(" + x + ")";
      case ABS -> "Math.abs(" + x + ")";
      case SIGN -> "Math.signum(" + x + ")";
      case RECIPROCAL -> "(1f / " + x + ")";
      case SIN -> "(float) Math.sin(" + x + ")";
      case COS -> "(float) Math.cos(" + x + ")";
      case FLOOR -> "(float) Math.floor(" + x + ")";
      case TANH, SIGMOID, ERF -> "dev.nnet.ir.UnaryFn." + fn.name() + ".apply(" + x + ")";
    };
  }

  /**
   * A binary function on operands of dtype {@code type}. Comparisons give a bool (0/1 float);
   * arithmetic on bools is normalized back to 0/1 as the kernel does.
   */
  static String binary(BinaryFn fn, String a, String b, DType type) {
    if (type == DType.I64) {
      return switch (fn) {
        case ADD -> "(" + a + " + " + b + ")";
        case SUB -> "(" + a + " - " + b + ")";
        case MUL -> "(" + a + " * " + b + ")";
        case MAX -> "Math.max(" + a + ", " + b + ")";
        case MIN -> "Math.min(" + a + ", " + b + ")";
        case LT, LE, GT, GE, EQ, NE -> "(" + a + " " + comparison(fn) + " " + b + " ? 1f : 0f)";
        // floor division, powers and the logical functions check their operands there
        case DIV, POW, AND, OR -> "dev.nnet.ir.BinaryFn." + fn.name() + ".applyLong(" + a + ", " + b + ")";
      };
    }
    String value = switch (fn) {
      case ADD -> "(" + a + " + " + b + ")";
      case SUB -> "(" + a + " - " + b + ")";
      case MUL -> "(" + a + " * " + b + ")";
      case DIV -> "(" + a + " / " + b + ")";
      case POW -> "(float) Math.pow(" + a + ", " + b + ")";
      case MAX -> "Math.max(" + a + ", " + b + ")";
      case MIN -> "Math.min(" + a + ", " + b + ")";
      case LT, LE, GT, GE, EQ, NE -> "(" + a + " " + comparison(fn) + " " + b + " ? 1f : 0f)";
      case AND -> "(" + a + " != 0f && " + b + " != 0f ? 1f : 0f)";
      case OR -> "(" + a + " != 0f || " + b + " != 0f ? 1f : 0f)";
    };
    boolean normalize = type == DType.BOOL && !fn.isComparison() && !fn.isLogical();
    return normalize ? "(" + value + " != 0f ? 1f : 0f)" : value;
  }

  private static String comparison(BinaryFn fn) {
    return switch (fn) {
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
      case EQ -> "==";
      case NE -> "!=";
      case ADD, SUB, MUL, DIV, POW, MAX, MIN, AND, OR -> throw new IllegalArgumentException(fn + " is no comparison");
    };
  }

  /** A dtype conversion, as {@code ElementwiseKernels.cast}: truncation to i64, "not zero" to bool. */
  static String cast(String x, DType from, DType to) {
    if (from == to) {
      return x;
    }
    return switch (to) {
      case I64 -> "((long) " + x + ")";
      case BOOL -> "(" + x + (from == DType.I64 ? " != 0L" : " != 0f") + " ? 1f : 0f)";
      case F32 -> from == DType.BOOL ? x : "((float) " + x + ")";
    };
  }
}
