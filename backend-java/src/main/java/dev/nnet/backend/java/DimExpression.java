package dev.nnet.backend.java;

import dev.nnet.ir.Dim;
import dev.nnet.ir.Shape;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@link Dim} as a Java {@code int} expression over the generated code's dim variables (one
 * local per symbol, such as {@code dimN}), so that shapes cost arithmetic and no lookups at run
 * time. Floor divisions become {@link Math#floorDiv}, as {@link Dim#evaluate} computes them.
 */
final class DimExpression implements Dim.Algebra<String> {
  private final Map<String, String> variables;

  /** @param variables each symbol's Java variable */
  DimExpression(Map<String, String> variables) {
    this.variables = variables;
  }

  /** The Java variable that holds symbol {@code name}: {@code dim} and the name, made an identifier. */
  static String variable(String name) {
    StringBuilder sb = new StringBuilder("dim");
    for (char c : name.toCharArray()) {
      sb.append(Character.isJavaIdentifierPart(c) ? c : '_');
    }
    return sb.toString();
  }

  /** {@code dim} as Java source. */
  String of(Dim dim) {
    return dim.fold(this);
  }

  /** {@code new int[] {...}} for a shape. */
  String of(Shape shape) {
    return shape.dims().stream().map(this::of).collect(Collectors.joining(", ", "new int[] {", "}"));
  }

  /** The element count of a shape as Java source. */
  String numel(Shape shape) {
    return shape.dims().isEmpty() ? "1"
        : shape.dims().stream().map(d -> atom(of(d))).collect(Collectors.joining(" * "));
  }

  @Override
  public String constant(long value) {
    return Long.toString(Math.toIntExact(value));
  }

  @Override
  public String symbol(String name) {
    String v = variables.get(name);
    if (v == null) {
      throw new JavaBackendError("the dimension `" + name + "` is not given by any input's shape, so generated "
          + "code cannot compute it");
    }
    return v;
  }

  @Override
  public String plus(String a, String b) {
    return b.startsWith("-") ? a + " - " + atom(b.substring(1)) : a + " + " + b;
  }

  @Override
  public String times(String a, String b) {
    if (a.equals("1")) {
      return b;
    }
    if (a.equals("-1")) {
      return "-" + atom(b);
    }
    return atom(a) + " * " + atom(b);
  }

  @Override
  public String floorDiv(String a, String b) {
    return "Math.floorDiv(" + a + ", " + b + ")";
  }

  /** {@code e} in parentheses unless it is a number or a variable. */
  private static String atom(String e) {
    return e.chars().allMatch(Character::isJavaIdentifierPart) ? e : "(" + e + ")";
  }
}
