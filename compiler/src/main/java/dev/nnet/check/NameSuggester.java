package dev.nnet.check;

import java.util.Collection;

/** Finds the visible name closest to a misspelt one, for "did you mean" help. */
final class NameSuggester {
  private NameSuggester() {}

  /** The closest candidate within an edit distance of about a third of the name (case only for short names), or null. */
  static String closest(String name, Collection<String> candidates) {
    String best = null;
    // A one- or two-letter name (N, x, lr) is one edit from every other short name: only a
    // difference of case is a likely typo there.
    int bestDistance = name.length() <= 2 ? 1 : Math.max(1, name.length() / 3) + 1;
    for (String c : candidates) {
      int d = distance(name.toLowerCase(), c.toLowerCase());
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
