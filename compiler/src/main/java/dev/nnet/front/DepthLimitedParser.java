package dev.nnet.front;

import dev.nnet.grammar.NNetParser;
import dev.nnet.ir.SourceSpan;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The generated parser, stopped with {@link NestingTooDeep} once its rules nest deeper than
 * {@link NestingTooDeep#MAX_PARSER_DEPTH}. ANTLR recurses once per rule invocation, so a deep input
 * (`relu(relu(...))` 8,000 deep) would otherwise run its prediction over ever longer contexts and
 * end in a StackOverflowError; the generated rules' {@code finally} blocks keep the count right as
 * the exception unwinds.
 */
final class DepthLimitedParser extends NNetParser {
  private final String file;
  private int depth;

  DepthLimitedParser(TokenStream input, String file) {
    super(input);
    this.file = file;
  }

  @Override
  public void enterRule(ParserRuleContext localctx, int state, int ruleIndex) {
    super.enterRule(localctx, state, ruleIndex);
    deeper();
  }

  @Override
  public void enterRecursionRule(ParserRuleContext localctx, int state, int ruleIndex, int precedence) {
    super.enterRecursionRule(localctx, state, ruleIndex, precedence);
    deeper();
  }

  @Override
  public void exitRule() {
    super.exitRule();
    depth--;
  }

  @Override
  public void unrollRecursionContexts(ParserRuleContext parentctx) {
    super.unrollRecursionContexts(parentctx);
    depth--;
  }

  @Override
  public void reset() {
    super.reset();
    depth = 0;
  }

  private void deeper() {
    if (++depth > NestingTooDeep.MAX_PARSER_DEPTH) {
      Token t = getCurrentToken();
      int length = t.getType() == Token.EOF ? 1 : Math.max(1, t.getText().length());
      int col = t.getCharPositionInLine() + 1;
      throw new NestingTooDeep(new SourceSpan(file, t.getLine(), col, t.getLine(), col + length));
    }
  }
}
