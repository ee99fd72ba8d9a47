package dev.nnet.front;

import dev.nnet.grammar.NNetParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.atn.ParserATNSimulator;
import org.antlr.v4.runtime.atn.PrecedencePredicateTransition;
import org.antlr.v4.runtime.atn.PredictionContextCache;
import org.antlr.v4.runtime.atn.StarLoopEntryState;
import org.antlr.v4.runtime.atn.Transition;
import org.antlr.v4.runtime.dfa.DFA;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's prediction, except for one decision: whether the expression being parsed continues with
 * the operator (or call, index, member access) that comes next, or ends before it. Newlines are not
 * significant, so in a block `{ a \n (b, c) }` the `(` may call `a` or start a new statement; ANTLR
 * resolves that ambiguity greedily (it continues), but only after looking ahead to the end of the
 * parenthesized group to find the two readings equivalent, at every level of nesting: quadratic
 * time and memory on nested calls (a 6 KB file took 19 s and 4 GB). Here the decision is made from
 * the next token alone, as ANTLR would conclude: continue when an operator alternative of `expr`
 * starts with it and its precedence allows it, else end. A range `a..` continues only when an
 * expression follows the `..` (in `x[a..]` the slice's `..` ends `a`).
 *
 * <p>The operator table is read from the grammar's ATN, not written out here, so it follows the grammar.
 */
final class OperatorLoopSimulator extends ParserATNSimulator {
  /** One operator alternative of `expr`: the tokens that start it and the precedence it needs. */
  private record OperatorAlternative(IntervalSet firstTokens, int precedence) {}

  private static final ATN ATN_ = NNetParser._ATN;
  private static final StarLoopEntryState LOOP = operatorLoop();
  private static final List<OperatorAlternative> ALTERNATIVES = alternatives(LOOP);
  private static final IntervalSet EXPRESSION_START = ATN_.nextTokens(ATN_.ruleToStartState[NNetParser.RULE_expr]);
  private static final int CONTINUE = 1;
  private static final int END = 2;

  OperatorLoopSimulator(NNetParser parser, DFA[] dfa, PredictionContextCache contexts) {
    super(parser, ATN_, dfa, contexts);
  }

  @Override
  public int adaptivePredict(TokenStream input, int decision, ParserRuleContext outerContext) {
    if (decision != LOOP.decision) {
      return super.adaptivePredict(input, decision, outerContext);
    }
    int next = input.LA(1);
    if (next == NNetParser.RANGE && !EXPRESSION_START.contains(input.LA(2))) {
      return END;
    }
    for (OperatorAlternative alt : ALTERNATIVES) {
      if (alt.firstTokens().contains(next)) {
        return parser.precpred(outerContext, alt.precedence()) ? CONTINUE : END;
      }
    }
    return END;
  }

  /** Whether the operator table was found in the grammar (checked by a test). */
  static int operatorAlternatives() {
    return ALTERNATIVES.size();
  }

  private static StarLoopEntryState operatorLoop() {
    for (ATNState s : ATN_.states) {
      if (s instanceof StarLoopEntryState loop && loop.ruleIndex == NNetParser.RULE_expr && loop.isPrecedenceDecision) {
        return loop;
      }
    }
    throw new IllegalStateException("the grammar's `expr` rule has no operator loop");
  }

  /** Each alternative of the loop's block: a precedence predicate, then the first token. */
  private static List<OperatorAlternative> alternatives(StarLoopEntryState loop) {
    ATNState block = null;
    for (Transition t : loop.getTransitions()) {
      if (t.target.getStateType() == ATNState.STAR_BLOCK_START) {
        block = t.target;
      }
    }
    if (block == null) {
      throw new IllegalStateException("the operator loop of `expr` has no block");
    }
    List<OperatorAlternative> out = new ArrayList<>();
    for (Transition alt : block.getTransitions()) {
      ATNState s = alt.target;
      int precedence = -1;
      // Follow the epsilon path to the predicate and past it to the first token.
      while (s.getNumberOfTransitions() == 1 && s.transition(0).isEpsilon()) {
        Transition t = s.transition(0);
        if (t instanceof PrecedencePredicateTransition p) {
          precedence = p.precedence;
        }
        s = t.target;
      }
      if (precedence < 0) {
        throw new IllegalStateException("an operator alternative of `expr` has no precedence predicate");
      }
      out.add(new OperatorAlternative(ATN_.nextTokens(s), precedence));
    }
    return List.copyOf(out);
  }
}
