package dev.nnet.lsp;

/**
 * The call the cursor is inside, read from the text rather than the AST because the call being typed
 * ({@code Linear(784, }) rarely parses: the callee's name, how many arguments come before the cursor,
 * and the name of the argument being written if it is named ({@code bias = }).
 *
 * @param callee the name before the unmatched {@code (}
 * @param argumentIndex 0-based index of the argument under the cursor
 * @param argumentName the name of that argument when written {@code name = ...}, else null
 * @param namedSoFar whether any argument before the cursor was named
 */
record CallContext(String callee, int argumentIndex, String argumentName, boolean namedSoFar) {

  /** The innermost call around {@code offset} in {@code text}, or null when not inside one. */
  static CallContext at(String text, int offset) {
    int depth = 0;
    int commas = 0;
    int lastComma = -1;
    for (int i = Math.min(offset, text.length()) - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (c == ')' || c == ']') {
        depth++;
      } else if (c == '[' && depth == 0) {
        return null; // inside a shape or an index, not a call
      } else if (c == '(' || c == '[') {
        if (depth > 0) {
          depth--;
          continue;
        }
        int start = i;
        while (start > 0 && isIdent(text.charAt(start - 1))) {
          start--;
        }
        if (start == i) {
          return null;
        }
        String current = text.substring((lastComma >= 0 ? lastComma : i) + 1, offset);
        boolean named = lastComma >= 0 && hasNamedBefore(text.substring(i + 1, lastComma));
        return new CallContext(text.substring(start, i), commas, assignedName(current), named);
      } else if (c == ',' && depth == 0) {
        if (lastComma < 0) {
          lastComma = i;
        }
        commas++;
      } else if (c == '{' || c == '}' || c == ';') {
        return null;
      }
    }
    return null;
  }

  private static boolean hasNamedBefore(String args) {
    for (String part : args.split(",")) {
      if (assignedName(part) != null) {
        return true;
      }
    }
    return false;
  }

  /** {@code bias} for the argument text {@code " bias = fal"}, null when positional. */
  private static String assignedName(String arg) {
    String s = arg.strip();
    int eq = s.indexOf('=');
    if (eq <= 0 || (eq + 1 < s.length() && s.charAt(eq + 1) == '=')) {
      return null;
    }
    String name = s.substring(0, eq).strip();
    return !name.isEmpty() && name.chars().allMatch(ch -> isIdent((char) ch)) ? name : null;
  }

  static boolean isIdent(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
