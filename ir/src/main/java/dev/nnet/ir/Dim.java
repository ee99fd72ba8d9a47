package dev.nnet.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A tensor dimension: a constant, a symbol such as {@code N}, or an integer polynomial of them
 * ({@code 4 * hidden}, {@code N * T}, {@code (H + 2 * p - k) / s + 1}).
 *
 * <p>Dims are kept in a canonical form (a sum of monomials with integer coefficients; floor
 * division by a constant that does not divide exactly becomes an opaque atom), so two dims that are
 * equal as polynomials are {@link #equals equal}. That is what lets the checker compare {@code N * 784}
 * produced by a flatten with {@code N * 784} expected by a layer without running anything.
 *
 * <p>Coefficients are 64-bit and never wrap: arithmetic that would overflow throws {@link
 * ArithmeticException} (from {@code Math.addExact} and {@code multiplyExact}), which the checker
 * reports at the expression that computed it. A wrapped size would silently check another model.
 */
public final class Dim implements Comparable<Dim> {
  /** The most monomials a product may expand to; real shapes have a handful. */
  public static final int MAX_PRODUCT_TERMS = 4096;

  /** Monomial key (sorted atom names joined by '*', "" for the constant term) to coefficient. */
  private final TreeMap<String, Long> terms;
  /** Atom name to atom, for atoms that are floor divisions (variables need no extra data). */
  private final Map<String, Dim[]> divisions;

  private Dim(TreeMap<String, Long> terms, Map<String, Dim[]> divisions) {
    terms.values().removeIf(c -> c == 0L);
    this.terms = terms;
    this.divisions = divisions;
  }

  /** The constant dimension {@code n}. */
  public static Dim of(long n) {
    TreeMap<String, Long> t = new TreeMap<>();
    t.put("", n);
    return new Dim(t, Map.of());
  }

  /** A symbolic dimension named {@code name} (the batch size {@code N}, a sequence length {@code T}). */
  public static Dim symbol(String name) {
    TreeMap<String, Long> t = new TreeMap<>();
    t.put(name, 1L);
    return new Dim(t, Map.of());
  }

  /** True if this dim is a known constant. */
  public boolean isConstant() {
    return terms.isEmpty() || (terms.size() == 1 && terms.containsKey(""));
  }

  /** The value of a constant dim; throws if the dim is symbolic. */
  public long constant() {
    if (!isConstant()) {
      throw new IllegalStateException("dimension " + this + " is not a constant");
    }
    return terms.getOrDefault("", 0L);
  }

  public Dim plus(Dim o) {
    TreeMap<String, Long> t = new TreeMap<>(terms);
    o.terms.forEach((k, v) -> t.merge(k, v, Math::addExact));
    return new Dim(t, mergeDivisions(this, o));
  }

  public Dim minus(Dim o) {
    return plus(o.times(of(-1)));
  }

  /**
   * Multiplies; throws {@link DimensionTooLarge} if expanding the product could give more than
   * {@link #MAX_PRODUCT_TERMS} monomials.
   */
  public Dim times(Dim o) {
    if ((long) terms.size() * o.terms.size() > MAX_PRODUCT_TERMS) {
      throw new DimensionTooLarge("this size expression grows too large: expanding it gives more than "
          + MAX_PRODUCT_TERMS + " terms");
    }
    TreeMap<String, Long> t = new TreeMap<>();
    for (var a : terms.entrySet()) {
      for (var b : o.terms.entrySet()) {
        t.merge(multiplyKeys(a.getKey(), b.getKey()), Math.multiplyExact(a.getValue(), b.getValue()), Math::addExact);
      }
    }
    return new Dim(t, mergeDivisions(this, o));
  }

  /** Floor division, as in the convolution output size {@code (H + 2p - k) / s + 1}. */
  public Dim floorDiv(Dim o) {
    if (o.isConstant()) {
      long d = o.constant();
      if (d == 0) {
        throw new DimensionTooLarge("a size is divided by zero");
      }
      if (d == 1) {
        return this;
      }
      if (isConstant()) {
        return of(Math.floorDiv(constant(), d));
      }
      boolean exact = terms.values().stream().allMatch(c -> c % d == 0);
      if (exact) {
        TreeMap<String, Long> t = new TreeMap<>();
        terms.forEach((k, v) -> t.put(k, v / d));
        return new Dim(t, divisions);
      }
    }
    String name = "(" + this + ")/" + o.atomText();
    TreeMap<String, Long> t = new TreeMap<>();
    t.put(name, 1L);
    Map<String, Dim[]> div = new java.util.HashMap<>(mergeDivisions(this, o));
    div.put(name, new Dim[] {this, o});
    return new Dim(t, Map.copyOf(div));
  }

  /** Evaluates the dim with the given symbol values; throws if a symbol is unbound. */
  public long evaluate(Map<String, Long> bindings) {
    long sum = 0;
    for (var e : terms.entrySet()) {
      long v = e.getValue();
      for (String atom : atoms(e.getKey())) {
        v = Math.multiplyExact(v, atomValue(atom, bindings));
      }
      sum = Math.addExact(sum, v);
    }
    return sum;
  }

  /** Replaces symbols by dims (used when a layer signature {@code [*B, in]} is instantiated). */
  public Dim substitute(Map<String, Dim> values) {
    Dim result = of(0);
    for (var e : terms.entrySet()) {
      Dim term = of(e.getValue());
      for (String atom : atoms(e.getKey())) {
        Dim[] div = divisions.get(atom);
        Dim a = div != null ? div[0].substitute(values).floorDiv(div[1].substitute(values))
            : values.getOrDefault(atom, symbol(atom));
        term = term.times(a);
      }
      result = result.plus(term);
    }
    return result;
  }

  /**
   * The operations a dim is built of, for {@link #fold}: a code generator turns a dim into an
   * expression of its target language with one.
   */
  public interface Algebra<R> {
    R constant(long value);

    R symbol(String name);

    R plus(R a, R b);

    R times(R a, R b);

    /** Floor division (rounds toward negative infinity, as {@link Math#floorDiv}). */
    R floorDiv(R a, R b);
  }

  /**
   * This dim written with {@code algebra}: a sum of terms, each its coefficient times its atoms (a
   * symbol, or the floor division of two dims). Evaluating the result with the symbols' values
   * gives {@link #evaluate}'s number.
   */
  public <R> R fold(Algebra<R> algebra) {
    R sum = null;
    for (var e : terms.entrySet()) {
      R term = algebra.constant(e.getValue());
      for (String atom : atoms(e.getKey())) {
        Dim[] div = divisions.get(atom);
        term = algebra.times(term, div != null
            ? algebra.floorDiv(div[0].fold(algebra), div[1].fold(algebra)) : algebra.symbol(atom));
      }
      sum = sum == null ? term : algebra.plus(sum, term);
    }
    return sum == null ? algebra.constant(0) : sum;
  }

  /** The symbol names this dim mentions. */
  public List<String> symbols() {
    List<String> out = new ArrayList<>();
    for (String key : terms.keySet()) {
      for (String atom : atoms(key)) {
        Dim[] div = divisions.get(atom);
        if (div != null) {
          out.addAll(div[0].symbols());
          out.addAll(div[1].symbols());
        } else {
          out.add(atom);
        }
      }
    }
    return out.stream().distinct().toList();
  }

  /** If this dim is a single symbol with coefficient 1, its name; otherwise null. */
  public String symbolName() {
    if (terms.size() == 1) {
      var e = terms.firstEntry();
      if (e.getValue() == 1L && !e.getKey().isEmpty() && !e.getKey().contains("*")
          && !divisions.containsKey(e.getKey())) {
        return e.getKey();
      }
    }
    return null;
  }

  private long atomValue(String atom, Map<String, Long> bindings) {
    Dim[] div = divisions.get(atom);
    if (div != null) {
      return Math.floorDiv(div[0].evaluate(bindings), div[1].evaluate(bindings));
    }
    Long v = bindings.get(atom);
    if (v == null) {
      throw new IllegalArgumentException("dimension symbol `" + atom + "` has no value");
    }
    return v;
  }

  private static List<String> atoms(String key) {
    if (key.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '(') depth++;
      else if (c == ')') depth--;
      else if (c == '*' && depth == 0) {
        out.add(key.substring(start, i));
        start = i + 1;
      }
    }
    out.add(key.substring(start));
    return out;
  }

  private static String multiplyKeys(String a, String b) {
    List<String> atoms = new ArrayList<>(atoms(a));
    atoms.addAll(atoms(b));
    Collections.sort(atoms);
    return String.join("*", atoms);
  }

  private static Map<String, Dim[]> mergeDivisions(Dim a, Dim b) {
    if (b.divisions.isEmpty()) return a.divisions;
    if (a.divisions.isEmpty()) return b.divisions;
    Map<String, Dim[]> m = new java.util.HashMap<>(a.divisions);
    m.putAll(b.divisions);
    return Map.copyOf(m);
  }

  private String atomText() {
    return terms.size() <= 1 && !toString().contains(" ") ? toString() : "(" + this + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dim d && d.terms.equals(terms);
  }

  @Override
  public int hashCode() {
    return Objects.hash(terms);
  }

  @Override
  public int compareTo(Dim o) {
    return toString().compareTo(o.toString());
  }

  /** Source-like text: {@code 784}, {@code N}, {@code 4*hidden + 1}. */
  @Override
  public String toString() {
    if (terms.isEmpty()) {
      return "0";
    }
    StringBuilder sb = new StringBuilder();
    // Symbolic terms first, constant last: "N*T + 1" reads better than "1 + N*T".
    List<Map.Entry<String, Long>> ordered = new ArrayList<>();
    terms.entrySet().stream().filter(e -> !e.getKey().isEmpty()).forEach(ordered::add);
    if (terms.containsKey("")) {
      ordered.add(Map.entry("", terms.get("")));
    }
    for (var e : ordered) {
      long c = e.getValue();
      String key = e.getKey();
      if (sb.length() > 0) {
        sb.append(c < 0 ? " - " : " + ");
        c = Math.abs(c);
      } else if (c < 0 && !key.isEmpty()) {
        sb.append('-');
        c = -c;
      }
      if (key.isEmpty()) {
        sb.append(c);
      } else if (c == 1) {
        sb.append(key);
      } else {
        sb.append(c).append('*').append(key);
      }
    }
    return sb.toString();
  }
}
