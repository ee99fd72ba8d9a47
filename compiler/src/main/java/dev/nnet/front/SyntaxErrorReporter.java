package dev.nnet.front;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.grammar.NNetLexer;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's syntax errors into plain-English diagnostics: what was found (the offending
 * token) and what could have come there instead, never ANTLR's internal phrasing.
 */
final class SyntaxErrorReporter extends BaseErrorListener {
  private final String file;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private int lastLine = -1;
  private int lastColumn = -1;

  SyntaxErrorReporter(String file) {
    this.file = file;
  }

  List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  @Override
  public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
      String antlrMessage, RecognitionException e) {
    Token token = offendingSymbol instanceof Token t ? t : null;
    if (line == lastLine && charPositionInLine == lastColumn) {
      return; // one message per position: recovery often reports the same spot twice
    }
    lastLine = line;
    lastColumn = charPositionInLine;
    int length = token == null || token.getType() == Token.EOF ? 1 : Math.max(1, token.getText().length());
    SourceSpan span = new SourceSpan(file, line, charPositionInLine + 1, line, charPositionInLine + 1 + length);
    if (diagnostics.size() == TooManySyntaxErrors.LIMIT) {
      throw new TooManySyntaxErrors(span);
    }
    if (token != null && token.getType() == NNetLexer.BAD_CHAR) {
      diagnostics.add(badCharacter(token, span));
      return;
    }
    IntervalSet expected = null;
    if (e != null && e.getExpectedTokens() != null) {
      expected = e.getExpectedTokens();
    } else if (recognizer instanceof Parser p) {
      expected = p.getExpectedTokens();
    }
    String found = describeFound(token);
    String want = expected == null ? null : describeExpected(expected, recognizer.getVocabulary());
    String message = want == null ? "unexpected " + found : "unexpected " + found + "; expected " + want;
    Diagnostic d = Diagnostic.error(ErrorCode.SYNTAX, span, message).withLabel(want == null ? "not expected here" : "expected " + want);
    if (token != null && token.getType() == NNetLexer.ASSIGN && want != null && want.contains("`==`")) {
      d = d.withHelp("use `==` to compare values");
    }
    diagnostics.add(d);
  }

  private Diagnostic badCharacter(Token token, SourceSpan span) {
    String text = token.getText();
    if (text.equals("\"")) {
      return Diagnostic.error(ErrorCode.SYNTAX, span, "unterminated string")
          .withLabel("this string has no closing quote on its line")
          .withHelp("add a closing `\"`; strings cannot span lines");
    }
    String shown = text.codePoints().allMatch(c -> c >= 32 && c < 127) ? "`" + text + "`"
        : String.format("U+%04X", text.codePointAt(0));
    return Diagnostic.error(ErrorCode.SYNTAX, span, "unexpected character " + shown)
        .withLabel("not part of the language")
        .withHelp("remove it; comments start with `//`");
  }

  private static String describeFound(Token token) {
    if (token == null) {
      return "input";
    }
    if (token.getType() == Token.EOF) {
      return "end of file";
    }
    String text = token.getText();
    if (text.length() > 30) {
      text = text.substring(0, 27) + "...";
    }
    return switch (token.getType()) {
      case NNetLexer.ID -> "name `" + text + "`";
      case NNetLexer.INT, NNetLexer.FLOAT -> "number `" + text + "`";
      case NNetLexer.STRING -> "string " + text;
      default -> "`" + text + "`";
    };
  }

  /** Names a set of expected tokens the way a person would: "an expression", "`)` or `,`". */
  static String describeExpected(IntervalSet expected, Vocabulary vocabulary) {
    Set<Integer> types = new LinkedHashSet<>(expected.toList());
    List<String> parts = new ArrayList<>();
    boolean expression = types.contains(NNetLexer.INT) && types.contains(NNetLexer.LPAREN);
    if (expression) {
      parts.add("an expression");
      types.removeAll(List.of(NNetLexer.INT, NNetLexer.FLOAT, NNetLexer.STRING, NNetLexer.TRUE, NNetLexer.FALSE,
          NNetLexer.LPAREN, NNetLexer.LBRACK, NNetLexer.MINUS, NNetLexer.PLUS, NNetLexer.NOT, NNetLexer.IF,
          NNetLexer.ID, NNetLexer.ON, NNetLexer.SPLIT, NNetLexer.DATA, NNetLexer.TRAIN, NNetLexer.MODEL,
          NNetLexer.LAYER, NNetLexer.PARAM, NNetLexer.BUFFER, NNetLexer.FORWARD));
    } else if (types.contains(NNetLexer.ID)) {
      parts.add("a name");
      types.removeAll(List.of(NNetLexer.ID, NNetLexer.ON, NNetLexer.SPLIT, NNetLexer.DATA, NNetLexer.TRAIN,
          NNetLexer.MODEL, NNetLexer.LAYER, NNetLexer.PARAM, NNetLexer.BUFFER, NNetLexer.FORWARD));
    }
    boolean operators = types.contains(NNetLexer.PLUS) && types.contains(NNetLexer.STAR);
    if (operators) {
      // After a complete expression almost any operator may follow; listing them all helps nobody.
      types.removeAll(List.of(NNetLexer.PLUS, NNetLexer.MINUS, NNetLexer.STAR, NNetLexer.SLASH,
          NNetLexer.PERCENT, NNetLexer.AT, NNetLexer.POW, NNetLexer.EQ, NNetLexer.NE, NNetLexer.LT, NNetLexer.LE,
          NNetLexer.GT, NNetLexer.GE, NNetLexer.AND, NNetLexer.OR, NNetLexer.PIPE, NNetLexer.RANGE,
          NNetLexer.DOT, NNetLexer.LPAREN, NNetLexer.LBRACK));
    }
    for (int t : types) {
      if (t == Token.EOF) {
        parts.add("end of file");
      } else if (t > 0) {
        String lit = vocabulary.getLiteralName(t);
        parts.add(lit != null ? "`" + lit.substring(1, lit.length() - 1) + "`" : vocabulary.getSymbolicName(t).toLowerCase());
      }
    }
    if (operators) {
      parts.add("an operator");
    }
    if (parts.isEmpty()) {
      return null;
    }
    if (parts.size() > 6) {
      parts = new ArrayList<>(parts.subList(0, 6));
      parts.add("...");
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.get(parts.size() - 1);
  }
}
