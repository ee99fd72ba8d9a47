package dev.nnet.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text that {@link GraphPrinter} writes back into a {@link Graph}: every op with its
 * attributes, types with symbolic dims, outputs and source spans. Comment lines ({@code # group 3:
 * ...}) and blank lines are skipped. The printer writes only a span's file name, line and column,
 * so a parsed span starts and ends there.
 *
 * <p>Each node's type is checked against its op's rule applied to its operands' types, so a text
 * edited by hand cannot smuggle in an ill-typed node. An unknown op name, a malformed line, an
 * operand that is not an earlier node, or a type that the op does not give is an
 * {@link IrSyntaxError} naming the line.
 */
public final class GraphParser {
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Integer> outputs = new LinkedHashMap<>();

  private GraphParser() {}

  /** The graph that {@code text} prints. */
  public static Graph parse(String text) throws IrSyntaxError {
    GraphParser p = new GraphParser();
    String[] lines = text.split("\n", -1);
    int state = 0; // 0: before "graph {", 1: inside, 2: after "}"
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
        continue;
      }
      if (state == 0) {
        if (!line.equals("graph {")) {
          throw new IrSyntaxError(number, "expected `graph {`, got `" + line + "`");
        }
        state = 1;
      } else if (state == 2) {
        throw new IrSyntaxError(number, "text after the end of the graph: `" + line + "`");
      } else if (line.equals("}")) {
        state = 2;
      } else if (line.startsWith("output ")) {
        p.output(line, number);
      } else if (line.startsWith("%") && line.endsWith(" graph {")) {
        // A scan: its body graph follows, indented, up to the line that closes it; that line
        // carries the scan's operands, type and span.
        int depth = 1;
        int end = i + 1;
        StringBuilder body = new StringBuilder("graph {\n");
        for (; end < lines.length; end++) {
          String inner = lines[end].strip();
          if (inner.endsWith(" graph {")) {
            depth++;
          } else if (inner.startsWith("}")) {
            depth--;
          }
          if (depth == 0) {
            break;
          }
          body.append(lines[end]).append('\n');
        }
        if (end == lines.length) {
          throw new IrSyntaxError(number, "the body of this scan is never closed");
        }
        Graph bodyGraph;
        try {
          bodyGraph = parse(body.append("}\n").toString());
        } catch (IrSyntaxError e) {
          throw new IrSyntaxError(number + e.line(), "in the body of the scan on line " + number + ": " + e.getMessage());
        }
        String closing = lines[end].strip().substring(1);
        p.node(line.substring(0, line.length() - " graph {".length()) + closing, end + 1, bodyGraph);
        i = end;
      } else if (line.startsWith("%")) {
        p.node(line, number, null);
      } else {
        throw new IrSyntaxError(number, "expected a node `%id = ...`, an `output`, or `}`, got `" + line + "`");
      }
    }
    if (state != 2) {
      throw new IrSyntaxError(lines.length, state == 0 ? "no `graph {` in the text" : "the graph has no closing `}`");
    }
    return new Graph(p.nodes, p.outputs);
  }

  private void output(String line, int number) throws IrSyntaxError {
    int eq = line.lastIndexOf(" = %");
    if (eq < 0) {
      throw new IrSyntaxError(number, "expected `output NAME = %id`, got `" + line + "`");
    }
    String name = line.substring("output ".length(), eq);
    int id = nodeRef(line.substring(eq + 4), number);
    if (outputs.put(name, id) != null) {
      throw new IrSyntaxError(number, "output `" + name + "` is defined twice");
    }
  }

  private int nodeRef(String digits, int number) throws IrSyntaxError {
    int id;
    try {
      id = Integer.parseInt(digits.strip());
    } catch (NumberFormatException e) {
      throw new IrSyntaxError(number, "expected a node id after `%`, got `" + digits + "`");
    }
    if (id < 0 || id >= nodes.size()) {
      throw new IrSyntaxError(number, "%" + id + " is not a node defined above");
    }
    return id;
  }

  /** Parses a node line; {@code body} is the already parsed body of a scan, else null. */
  private void node(String line, int number, Graph body) throws IrSyntaxError {
    int hash = commentStart(line);
    SourceSpan span = hash < 0 ? SourceSpan.NONE : span(line.substring(hash + 1).strip(), number);
    Tokens t = new Tokens(hash < 0 ? line : line.substring(0, hash), number);
    int id = t.nodeId();
    if (id != nodes.size()) {
      throw new IrSyntaxError(number, "expected node %" + nodes.size() + " next, got %" + id);
    }
    t.expect("=");
    String name = t.word();
    OpText attributes = new OpText(name, t, body);
    List<Integer> inputs = new ArrayList<>();
    while (t.peekIs("%")) {
      int in = t.nodeId();
      if (in >= id) {
        throw new IrSyntaxError(number, "operand %" + in + " of %" + id + " is not defined above it");
      }
      inputs.add(in);
      if (!t.peekIs(",")) {
        break;
      }
      t.expect(",");
    }
    t.expect(":");
    TensorType type = t.type();
    t.end();
    Op op;
    try {
      op = attributes.op(type);
    } catch (IllegalArgumentException e) {
      throw new IrSyntaxError(number, "`" + name + "`: " + e.getMessage());
    }
    if (op.arity() >= 0 && op.arity() != inputs.size()) {
      throw new IrSyntaxError(number, "`" + name + "` takes " + op.arity() + " operand(s), got " + inputs.size());
    }
    List<TensorType> types = inputs.stream().map(i -> nodes.get(i).type()).toList();
    TensorType inferred;
    try {
      inferred = op.infer(types);
    } catch (ShapeError e) {
      throw new IrSyntaxError(number, e.getMessage());
    }
    if (!inferred.equals(type)) {
      throw new IrSyntaxError(number, "`" + name + "` gives " + inferred + " here, but the line says " + type);
    }
    nodes.add(new Node(id, op, inputs, type, span));
  }

  /** Where the {@code # file:line:col} comment starts, or -1; a {@code #} inside a quoted name does not count. */
  private static int commentStart(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  private static SourceSpan span(String text, int number) throws IrSyntaxError {
    int col = text.lastIndexOf(':');
    int ln = col <= 0 ? -1 : text.lastIndexOf(':', col - 1);
    if (ln <= 0) {
      throw new IrSyntaxError(number, "expected a source span `# file:line:col`, got `# " + text + "`");
    }
    try {
      int l = Integer.parseInt(text.substring(ln + 1, col));
      int c = Integer.parseInt(text.substring(col + 1));
      return new SourceSpan(text.substring(0, ln), l, c, l, c);
    } catch (NumberFormatException e) {
      throw new IrSyntaxError(number, "expected a source span `# file:line:col`, got `# " + text + "`");
    }
  }

  /**
   * An op's name and attributes, read from the tokens before its operands; the op itself is made
   * once the node's type is known, since leaves take their type from it.
   */
  private static final class OpText {
    private final String name;
    private final int line;
    private final List<Object> values = new ArrayList<>();

    OpText(String name, Tokens t, Graph body) throws IrSyntaxError {
      this.name = name;
      this.line = t.line;
      if (name.equals("scan") != (body != null)) {
        throw new IrSyntaxError(line, name.equals("scan") ? "a scan needs its body: `scan ... graph {` and the body's lines"
            : "only a scan has a body");
      }
      switch (name) {
        case "scan" -> {
          values.add(body);
          for (String count : List.of("carries", "sequences", "consts")) {
            t.keyword(count);
            t.expect("=");
            values.add(t.integer());
          }
          t.keyword("length");
          t.expect("=");
          values.add(t.dim());
          values.add(t.peekIsWord("reverse") && t.skip() != null);
        }
        case "scan_result" -> values.add(t.integer());
        case "input", "param", "state" -> values.add(t.string());
        case "const" -> values.add(t.peekIs("[") ? t.numbers() : List.of(t.number()));
        case "fill" -> values.add(t.number());
        case "arange" -> {
          values.add(t.number());
          t.keyword("step");
          values.add(t.number());
        }
        case "where", "stop_gradient", "gather" -> { }
        case "matmul" -> {
          values.add(t.peekIsWord("transpose_a") && t.skip() != null);
          values.add(t.peekIsWord("transpose_b") && t.skip() != null);
        }
        case "random_uniform", "random_normal", "random_permutation", "categorical" -> {
          t.keyword("salt");
          t.expect("=");
          values.add(t.integer());
        }
        case "cast" -> values.add(t.dtype());
        case "reshape", "expand" -> values.add(t.shape());
        case "permute", "flip" -> values.add(t.ints());
        case "slice" -> {
          values.add(t.bracketedInt());
          values.add(t.integer());
          t.expect(":");
          values.add(t.integer());
          values.add(t.peekIs(":") ? t.skip().integer() : 1L);
        }
        case "concat", "argmax" -> values.add(t.bracketedInt());
        case "pad", "pad_transpose" -> {
          values.add(t.padMode());
          values.add(t.ints());
          t.expect(":");
          values.add(t.ints());
          values.add(name.equals("pad") && t.peekIsWord("value") ? t.skip().number() : 0.0);
        }
        case "reduce_sum", "reduce_mean", "reduce_max" -> {
          values.add(t.ints());
          values.add(t.peekIsWord("keep") && t.skip() != null);
        }
        case "window_max", "window_sum", "window_max_grad" -> values.add(t.windowGeometry());
        case "window_sum_transpose", "conv_transpose" -> {
          values.add(name.equals("conv_transpose") ? t.convGeometry() : t.windowGeometry());
          t.keyword("to");
          values.add(t.dims());
        }
        case "conv" -> values.add(t.convGeometry());
        case "conv_filter_grad" -> {
          values.add(t.convGeometry());
          t.keyword("kernel");
          t.expect("=");
          values.add(t.ints());
        }
        case "one_hot" -> values.add(t.integer());
        case "scatter_add" -> values.add(t.dim());
        default -> {
          if (unary(name) == null && binary(name) == null) {
            throw new IrSyntaxError(line, "unknown op `" + name + "`");
          }
        }
      }
    }

    /** The {@code salt=} of a random op, its only attribute. */
    private long salt() {
      return (Long) values.get(0);
    }

    @SuppressWarnings("unchecked")
    Op op(TensorType type) throws IrSyntaxError {
      return switch (name) {
        case "input" -> new Op.Input((String) values.get(0), type);
        case "scan" -> new Op.Scan((Graph) values.get(0), Math.toIntExact((Long) values.get(1)),
            Math.toIntExact((Long) values.get(2)), Math.toIntExact((Long) values.get(3)), (Dim) values.get(4),
            (Boolean) values.get(5));
        case "scan_result" -> new Op.ScanResult(Math.toIntExact((Long) values.get(0)), type);
        case "param", "state" -> new Op.Parameter((String) values.get(0), type, name.equals("param"));
        case "const" -> new Op.Constant(constant((List<Double>) values.get(0), type));
        case "fill" -> new Op.Fill((Double) values.get(0), type);
        case "arange" -> {
          if (type.rank() != 1) {
            throw new IrSyntaxError(line, "`arange` makes a vector, but the line says " + type);
          }
          yield new Op.Arange((Double) values.get(0), (Double) values.get(1), type.shape().dim(0), type.dtype());
        }
        case "where" -> new Op.Where();
        case "stop_gradient" -> new Op.StopGradient();
        case "matmul" -> new Op.MatMul((Boolean) values.get(0), (Boolean) values.get(1));
        case "gather" -> new Op.Gather();
        case "random_uniform" -> new Op.RandomUniform(type, salt());
        case "random_normal" -> new Op.RandomNormal(type, salt());
        case "random_permutation" -> {
          if (type.rank() != 1 || type.dtype() != DType.I64) {
            throw new IrSyntaxError(line, "`random_permutation` makes an i64 vector, but the line says " + type);
          }
          yield new Op.RandomPermutation(type.shape().dim(0), salt());
        }
        case "categorical" -> new Op.Categorical(salt());
        case "cast" -> new Op.Cast((DType) values.get(0));
        case "reshape" -> new Op.Reshape((Shape) values.get(0));
        case "expand" -> new Op.Expand((Shape) values.get(0));
        case "permute" -> new Op.Permute((List<Integer>) values.get(0));
        case "flip" -> new Op.Flip((List<Integer>) values.get(0));
        case "slice" -> new Op.Slice(Math.toIntExact((Long) values.get(0)), (Long) values.get(1), (Long) values.get(2),
            (Long) values.get(3));
        case "concat" -> new Op.Concat(Math.toIntExact((Long) values.get(0)));
        case "argmax" -> new Op.ArgMax(Math.toIntExact((Long) values.get(0)));
        case "pad" -> new Op.Pad((PadMode) values.get(0), (List<Integer>) values.get(1), (List<Integer>) values.get(2),
            (Double) values.get(3));
        case "pad_transpose" -> new Op.PadTranspose((PadMode) values.get(0), (List<Integer>) values.get(1),
            (List<Integer>) values.get(2));
        case "reduce_sum", "reduce_mean", "reduce_max" -> new Op.Reduce(
            ReduceFn.valueOf(name.substring("reduce_".length()).toUpperCase()), (List<Integer>) values.get(0),
            (Boolean) values.get(1));
        case "window_max", "window_sum" -> new Op.Window(
            WindowFn.valueOf(name.substring("window_".length()).toUpperCase()), (WindowGeometry) values.get(0));
        case "window_max_grad" -> new Op.WindowMaxGrad((WindowGeometry) values.get(0));
        case "window_sum_transpose" -> new Op.WindowSumTranspose((WindowGeometry) values.get(0), (List<Dim>) values.get(1));
        case "conv" -> new Op.Conv((ConvGeometry) values.get(0));
        case "conv_transpose" -> new Op.ConvTranspose((ConvGeometry) values.get(0), (List<Dim>) values.get(1));
        case "conv_filter_grad" -> new Op.ConvFilterGrad((ConvGeometry) values.get(0), (List<Integer>) values.get(1));
        case "one_hot" -> new Op.OneHot((Long) values.get(0));
        case "scatter_add" -> new Op.ScatterAdd((Dim) values.get(0));
        default -> unary(name) != null ? new Op.Unary(unary(name)) : new Op.Binary(binary(name));
      };
    }

    private ConstantData constant(List<Double> elements, TensorType type) throws IrSyntaxError {
      if (!type.shape().isConcrete()) {
        throw new IrSyntaxError(line, "a constant needs a concrete shape, got " + type);
      }
      int[] shape = type.shape().sizes();
      long numel = 1;
      for (int s : shape) {
        numel *= s;
      }
      if (numel != elements.size()) {
        throw new IrSyntaxError(line, "a constant of type " + type + " needs " + numel + " element(s), got "
            + elements.size());
      }
      if (type.dtype() == DType.I64) {
        long[] longs = new long[elements.size()];
        for (int i = 0; i < longs.length; i++) {
          longs[i] = elements.get(i).longValue();
        }
        return ConstantData.ofLongs(longs, shape);
      }
      float[] floats = new float[elements.size()];
      for (int i = 0; i < floats.length; i++) {
        floats[i] = elements.get(i).floatValue();
      }
      return ConstantData.ofFloats(type.dtype(), floats, shape);
    }

    private static UnaryFn unary(String name) {
      for (UnaryFn f : UnaryFn.values()) {
        if (f.text().equals(name)) {
          return f;
        }
      }
      return null;
    }

    private static BinaryFn binary(String name) {
      for (BinaryFn f : BinaryFn.values()) {
        if (f.text().equals(name)) {
          return f;
        }
      }
      return null;
    }
  }

  /**
   * The tokens of one node line: {@code %id}, words, quoted names, numbers and the punctuation
   * {@code [ ] ( ) , : = + - * /}.
   */
  private static final class Tokens {
    private final List<String> items = new ArrayList<>();
    private final int line;
    private int next;

    Tokens(String text, int line) throws IrSyntaxError {
      this.line = line;
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        int start = i;
        if (Character.isWhitespace(c)) {
          i++;
          continue;
        } else if (c == '"') {
          int close = text.indexOf('"', i + 1);
          if (close < 0) {
            throw new IrSyntaxError(line, "a quoted name is not closed");
          }
          i = close + 1;
        } else if (c == '%') {
          i++;
          while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
          }
        } else if (Character.isDigit(c) || c == '-' && i + 1 < text.length()
            && (Character.isDigit(text.charAt(i + 1)) || text.startsWith("Infinity", i + 1))) {
          i = number(text, i);
        } else if (Character.isLetter(c) || c == '_') {
          while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
          }
        } else if ("[](),:=+-*/".indexOf(c) >= 0) {
          i++;
        } else {
          throw new IrSyntaxError(line, "unexpected character `" + c + "`");
        }
        items.add(text.substring(start, i));
      }
    }

    /** The end of the number starting at {@code i}: {@code -12}, {@code 1.5E-4}, {@code -Infinity}. */
    private static int number(String text, int i) {
      if (text.charAt(i) == '-') {
        i++;
      }
      if (text.startsWith("Infinity", i)) {
        return i + "Infinity".length();
      }
      while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
        i++;
      }
      if (i < text.length() && (text.charAt(i) == 'E' || text.charAt(i) == 'e')) {
        i++;
        if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
          i++;
        }
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
          i++;
        }
      }
      return i;
    }

    private String peek() {
      return next < items.size() ? items.get(next) : null;
    }

    boolean peekIs(String s) {
      String p = peek();
      return p != null && (p.equals(s) || s.equals("%") && p.startsWith("%"));
    }

    boolean peekIsWord(String word) {
      return word.equals(peek());
    }

    private String take(String what) throws IrSyntaxError {
      String p = peek();
      if (p == null) {
        throw new IrSyntaxError(line, "expected " + what + " but the line ends");
      }
      next++;
      return p;
    }

    Tokens skip() {
      next++;
      return this;
    }

    void expect(String s) throws IrSyntaxError {
      String p = take("`" + s + "`");
      if (!p.equals(s)) {
        throw new IrSyntaxError(line, "expected `" + s + "`, got `" + p + "`");
      }
    }

    void keyword(String word) throws IrSyntaxError {
      expect(word);
    }

    void end() throws IrSyntaxError {
      if (peek() != null) {
        throw new IrSyntaxError(line, "unexpected `" + peek() + "` after the node's type");
      }
    }

    int nodeId() throws IrSyntaxError {
      String p = take("a node id `%n`");
      if (!p.startsWith("%") || p.length() == 1) {
        throw new IrSyntaxError(line, "expected a node id `%n`, got `" + p + "`");
      }
      return Integer.parseInt(p.substring(1));
    }

    String word() throws IrSyntaxError {
      String p = take("an op name");
      if (!Character.isLetter(p.charAt(0))) {
        throw new IrSyntaxError(line, "expected an op name, got `" + p + "`");
      }
      return p;
    }

    String string() throws IrSyntaxError {
      String p = take("a quoted name");
      if (!p.startsWith("\"")) {
        throw new IrSyntaxError(line, "expected a quoted name, got `" + p + "`");
      }
      return p.substring(1, p.length() - 1);
    }

    double number() throws IrSyntaxError {
      String p = take("a number");
      try {
        return Double.parseDouble(p);
      } catch (NumberFormatException e) {
        throw new IrSyntaxError(line, "expected a number, got `" + p + "`");
      }
    }

    long integer() throws IrSyntaxError {
      String p = take("an integer");
      try {
        return Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw new IrSyntaxError(line, "expected an integer, got `" + p + "`");
      }
    }

    /** {@code [3]}, as in {@code concat[3]}. */
    long bracketedInt() throws IrSyntaxError {
      expect("[");
      long v = integer();
      expect("]");
      return v;
    }

    List<Double> numbers() throws IrSyntaxError {
      List<Double> out = new ArrayList<>();
      expect("[");
      while (!peekIs("]")) {
        out.add(number());
        if (!peekIs("]")) {
          expect(",");
        }
      }
      expect("]");
      return out;
    }

    List<Integer> ints() throws IrSyntaxError {
      List<Integer> out = new ArrayList<>();
      expect("[");
      while (!peekIs("]")) {
        out.add(Math.toIntExact(integer()));
        if (!peekIs("]")) {
          expect(",");
        }
      }
      expect("]");
      return out;
    }

    DType dtype() throws IrSyntaxError {
      String p = take("a dtype");
      DType d = DType.parse(p);
      if (d == null) {
        throw new IrSyntaxError(line, "unknown dtype `" + p + "`");
      }
      return d;
    }

    PadMode padMode() throws IrSyntaxError {
      String p = take("a padding mode");
      PadMode m = PadMode.parse(p);
      if (m == null) {
        throw new IrSyntaxError(line, "unknown padding mode `" + p + "`");
      }
      return m;
    }

    /** {@code [N, 784]}, or with a dtype first: {@code i64[N]}. */
    TensorType type() throws IrSyntaxError {
      DType d = peekIs("[") ? DType.F32 : dtype();
      return new TensorType(d, shape());
    }

    Shape shape() throws IrSyntaxError {
      return new Shape(dims());
    }

    List<Dim> dims() throws IrSyntaxError {
      List<Dim> out = new ArrayList<>();
      expect("[");
      while (!peekIs("]")) {
        out.add(dim());
        if (!peekIs("]")) {
          expect(",");
        }
      }
      expect("]");
      return out;
    }

    /**
     * A dim as {@link Dim#toString} writes it: sums and products of integers and symbols, and floor
     * divisions {@code (N - 3)/2}. A division binds to the parenthesized sum just before it, tighter
     * than {@code *}, since {@code 2*(N - 3)/2} is twice the atom {@code (N - 3)/2}.
     */
    Dim dim() throws IrSyntaxError {
      Dim sum = term();
      while (peekIs("+") || peekIs("-")) {
        boolean minus = take("+ or -").equals("-");
        Dim t = term();
        sum = minus ? sum.minus(t) : sum.plus(t);
      }
      return sum;
    }

    private Dim term() throws IrSyntaxError {
      if (peekIs("-")) {
        next++;
        return term().times(Dim.of(-1));
      }
      Dim product = factor();
      while (peekIs("*")) {
        next++;
        product = product.times(factor());
      }
      return product;
    }

    private Dim factor() throws IrSyntaxError {
      String p = take("a dim");
      if (p.equals("(")) {
        Dim inner = dim();
        expect(")");
        if (peekIs("/")) {
          next++;
          return inner.floorDiv(divisor());
        }
        return inner;
      }
      if (Character.isLetter(p.charAt(0)) || p.charAt(0) == '_') {
        return Dim.symbol(p);
      }
      try {
        return Dim.of(Long.parseLong(p));
      } catch (NumberFormatException e) {
        throw new IrSyntaxError(line, "expected a dim, got `" + p + "`");
      }
    }

    private Dim divisor() throws IrSyntaxError {
      if (peekIs("(")) {
        next++;
        Dim inner = dim();
        expect(")");
        return inner;
      }
      String p = take("a divisor");
      if (Character.isLetter(p.charAt(0)) || p.charAt(0) == '_') {
        return Dim.symbol(p);
      }
      try {
        return Dim.of(Long.parseLong(p));
      } catch (NumberFormatException e) {
        throw new IrSyntaxError(line, "expected a divisor, got `" + p + "`");
      }
    }

    /** {@code kernel=[2, 2] stride=[2, 2] dilation=[1, 1]}. */
    WindowGeometry windowGeometry() throws IrSyntaxError {
      List<Integer> kernel = named("kernel");
      List<Integer> stride = named("stride");
      List<Integer> dilation = named("dilation");
      return new WindowGeometry(kernel, stride, dilation);
    }

    /** {@code stride=[1, 1] pad=[0, 0]:[0, 0] dilation=[1, 1] groups=1}. */
    ConvGeometry convGeometry() throws IrSyntaxError {
      List<Integer> stride = named("stride");
      List<Integer> before = named("pad");
      expect(":");
      List<Integer> after = ints();
      List<Integer> dilation = named("dilation");
      keyword("groups");
      expect("=");
      int groups = Math.toIntExact(integer());
      return new ConvGeometry(stride, before, after, dilation, groups);
    }

    private List<Integer> named(String key) throws IrSyntaxError {
      keyword(key);
      expect("=");
      return ints();
    }
  }
}
