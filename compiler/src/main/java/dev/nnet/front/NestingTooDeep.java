package dev.nnet.front;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.SourceSpan;

/**
 * Thrown out of the parser or the AST builder when an expression nests deeper than
 * {@link #MAX_EXPRESSION_DEPTH}; {@link Parser} turns it into an NNET0002 diagnostic. The limit keeps
 * every later stage (AST building, tracing, which nests once per level, rendering) within its stack
 * and time, whatever the input, and leaves room under the tracer's own limit of 200 levels for
 * the calls that lead to the expression.
 */
final class NestingTooDeep extends RuntimeException {
  /** Levels of calls, brackets, indexing and operators in one expression (a chain `a + b + c` counts one per operator). */
  static final int MAX_EXPRESSION_DEPTH = 100;
  /**
   * Rule invocations the parser may nest. An expression level takes at most three (a call's
   * `expr`, `args`, `arg`), so this never rejects what {@link #MAX_EXPRESSION_DEPTH} accepts, and it
   * stops a deep input long before ANTLR's recursion could exhaust the stack or its prediction slow down.
   */
  static final int MAX_PARSER_DEPTH = 3 * MAX_EXPRESSION_DEPTH + 60;

  private final transient SourceSpan span;

  NestingTooDeep(SourceSpan span) {
    super(null, null, false, false); // control flow, not a bug: no stack trace to fill
    this.span = span;
  }

  /** The diagnostic: where the expression passed the limit, and how to avoid it. */
  Diagnostic diagnostic() {
    return Diagnostic.error(ErrorCode.NESTING_TOO_DEEP, span,
            "expression nests deeper than " + MAX_EXPRESSION_DEPTH + " levels")
        .withLabel("nested too deeply here")
        .withHelp("split it into steps with `let` (a chain `a + b + c + ...` counts one level per operator)");
  }
}
