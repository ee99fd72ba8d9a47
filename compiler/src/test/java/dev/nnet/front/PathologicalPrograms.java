package dev.nnet.front;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs that made the front end hang, crash or exhaust memory (issue #9, item 7), as
 * generators: shared by the regression tests, the fuzzer and the timing harness
 * ({@code bench/front_stress.sh}) so that what is measured is what is tested.
 */
public final class PathologicalPrograms {
  private PathologicalPrograms() {}

  /** {@code let a = relu(relu(...(1)...))}, {@code depth} calls deep. */
  public static String nestedCalls(int depth) {
    return "let a = " + "relu(".repeat(depth) + "1" + ")".repeat(depth) + "\n";
  }

  /** Nested calls with two arguments each, {@code f(x, g(f(x, g(...), 2)), 2)}, about {@code bytes} long. */
  public static String nestedCallsWithArguments(int bytes) {
    int depth = bytes / 12;
    return "let a = " + "f(x, g(".repeat(depth) + "x" + "), 2)".repeat(depth) + "\n";
  }

  /** {@code (((...1...)))}, {@code depth} parentheses deep. */
  public static String nestedParentheses(int depth) {
    return "let a = " + "(".repeat(depth) + "1" + ")".repeat(depth) + "\n";
  }

  /** One flat expression of {@code terms} operands joined by binary operators. */
  public static String longExpression(int terms) {
    StringBuilder sb = new StringBuilder("let a = 1");
    String[] ops = {" + ", " * ", " - ", " / ", " |> ", " ** "};
    for (int i = 1; i < terms; i++) {
      sb.append(ops[i % ops.length]).append(i % 7 + 1);
    }
    return sb.append('\n').toString();
  }

  /**
   * A product of {@code factors} sums of two symbols: expanded, a polynomial of 2^factors monomials,
   * from a file of a few hundred bytes.
   */
  public static String symbolicProduct(int factors) {
    StringBuilder dims = new StringBuilder();
    StringBuilder product = new StringBuilder();
    for (int i = 0; i < factors; i++) {
      dims.append(i == 0 ? "" : ", ").append("A").append(i).append(", B").append(i);
      product.append(i == 0 ? "" : " * ").append("(A").append(i).append(" + B").append(i).append(')');
    }
    return "model M() {\n  forward(x: [" + dims + "]) {\n    let n = " + product + "\n    return x\n  }\n}\n";
  }

  /** {@code lines} lines, each with a syntax error: the renderer's worst case. */
  public static String manySyntaxErrors(int lines) {
    return "let = 1\n".repeat(lines);
  }

  /** A reshape to a shape with a zero dimension and one inferred (-1). */
  public static String reshapeWithZero() {
    return "model M() {\n  forward(x: [N, 6]) = reshape(x, [0, -1])\n}\n";
  }

  /** An operator where a `let` expects its name: the AST builder must not hide the syntax error. */
  public static String operatorAsLetName() {
    return "let / = 1\nmodel M() {\n  forward(x: [N, 6]) {\n    let * = x\n    return x\n  }\n}\n";
  }

  /**
   * Expression-level snippets of the shapes above, sized by {@code size} (about 1 to 500), for a
   * fuzzer to splice into programs: deep calls, parentheses, indexing, unary chains, `if` chains,
   * long operator chains, symbolic products, a zero reshape.
   */
  public static String snippet(int kind, int size) {
    return switch (Math.floorMod(kind, 9)) {
      case 0 -> "relu(".repeat(size) + "x" + ")".repeat(size);
      case 1 -> "(".repeat(size) + "x" + ")".repeat(size);
      case 2 -> "x[".repeat(size) + "0" + "]".repeat(size);
      case 3 -> "- ".repeat(size) + "x";
      case 4 -> "if true then ".repeat(size) + "x" + " else x".repeat(size);
      case 5 -> longExpression(size).substring("let a = ".length()).strip();
      case 6 -> {
        StringBuilder sb = new StringBuilder("N");
        for (int i = 0; i < Math.min(size, 40); i++) {
          sb.append(" * (N + ").append(i).append(')');
        }
        yield sb.toString();
      }
      case 7 -> "reshape(x, [0, -1])";
      default -> "f(x, g(".repeat(size) + "x" + "), 2)".repeat(size);
    };
  }

  /** The named cases the timing harness measures, in order (the sizes the issue reported). */
  public static Map<String, String> issueCases() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("nested calls with arguments, 6 KB", nestedCallsWithArguments(6_000));
    cases.put("relu(relu(...)) depth 8000", nestedCalls(8_000));
    cases.put("parentheses depth 20000", nestedParentheses(20_000));
    cases.put("flat expression of 20000 operands", longExpression(20_000));
    cases.put("symbolic product of 2^20 terms", symbolicProduct(20));
    cases.put("25600 syntax errors, rendered", manySyntaxErrors(25_600));
    cases.put("reshape with a zero dimension", reshapeWithZero());
    cases.put("operator as a let name", operatorAsLetName());
    return cases;
  }
}
