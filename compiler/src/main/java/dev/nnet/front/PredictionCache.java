package dev.nnet.front;

import dev.nnet.grammar.NNetLexer;
import dev.nnet.grammar.NNetParser;
import java.util.Arrays;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.runtime.atn.LexerATNSimulator;
import org.antlr.v4.runtime.atn.PredictionContextCache;
import org.antlr.v4.runtime.dfa.DFA;

/**
 * ANTLR's prediction caches (the DFA states it learns per decision, and the prediction contexts
 * they share), with a bound. The generated lexer and parser keep theirs in static fields that grow
 * with every distinct input and are never emptied, which a long-running {@code nnet lsp} fed with
 * half-typed files would feel. Here the caches are ours: shared across parses (learned predictions
 * make later parses fast), and replaced by empty ones once they hold more than
 * {@link #MAX_ENTRIES} entries.
 */
final class PredictionCache {
  /**
   * Far above what parsing needs (the examples and the standard library make about 250 entries,
   * 3,000 mutated programs about 300, since SLL prediction learns no context-specific states): a
   * guard against growth, not a working size.
   */
  static final int MAX_ENTRIES = 100_000;

  private static volatile PredictionCache current = empty();

  private final DFA[] lexerDfa;
  private final DFA[] parserDfa;
  private final PredictionContextCache contexts;

  private PredictionCache(DFA[] lexerDfa, DFA[] parserDfa, PredictionContextCache contexts) {
    this.lexerDfa = lexerDfa;
    this.parserDfa = parserDfa;
    this.contexts = contexts;
  }

  /** The cache for the next parse: the current one, or a fresh one if the current one is full. */
  static PredictionCache acquire() {
    return acquire(MAX_ENTRIES);
  }

  /** As {@link #acquire()} with another bound (tests use a small one). */
  static PredictionCache acquire(int maxEntries) {
    PredictionCache c = current;
    if (c.entries() > maxEntries) {
      c = empty();
      current = c; // a parse still holding the old one finishes with it; nothing else refers to it
    }
    return c;
  }

  /** What the current cache holds: DFA states of both simulators plus shared contexts. */
  static int currentEntries() {
    return current.entries();
  }

  /** Makes {@code lexer} use this cache instead of its static one. */
  void install(NNetLexer lexer) {
    lexer.setInterpreter(new LexerATNSimulator(lexer, lexer.getATN(), lexerDfa, contexts));
  }

  /** Makes {@code parser} use this cache instead of its static one. */
  void install(NNetParser parser) {
    parser.setInterpreter(new OperatorLoopSimulator(parser, parserDfa, contexts));
  }

  private int entries() {
    return states(lexerDfa) + states(parserDfa) + contexts.size();
  }

  private static int states(DFA[] dfas) {
    return Arrays.stream(dfas).mapToInt(d -> d.states.size()).sum();
  }

  private static PredictionCache empty() {
    return new PredictionCache(decisions(NNetLexer._ATN), decisions(NNetParser._ATN), new PredictionContextCache());
  }

  private static DFA[] decisions(ATN atn) {
    DFA[] dfa = new DFA[atn.getNumberOfDecisions()];
    for (int i = 0; i < dfa.length; i++) {
      dfa[i] = new DFA(atn.getDecisionState(i), i);
    }
    return dfa;
  }
}
