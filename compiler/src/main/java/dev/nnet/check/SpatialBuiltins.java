package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.ConvGeometry;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Op;
import dev.nnet.ir.PadMode;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.WindowFn;
import dev.nnet.ir.WindowGeometry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The built-ins over spatial dims, with PyTorch's names, argument order and semantics: {@code pad},
 * {@code conv1d/2d/3d}, {@code conv_transpose1d/2d/3d}, {@code max_pool1d/2d/3d} and
 * {@code avg_pool1d/2d/3d}. Each lowers to a few primitives (pad, conv and its adjoints, window
 * reductions), so the layers in std.nn and the differentiator see through them; padding modes,
 * {@code same} padding, ceil mode and {@code count_include_pad} are all expressed as padding.
 */
final class SpatialBuiltins {
  private SpatialBuiltins() {}

  static void define(Scope s) {
    Builtins.define(s, "pad", SpatialBuiltins::pad);
    Builtins.define(s, "ntuple", SpatialBuiltins::ntuple);
    for (int d = 1; d <= 3; d++) {
      int dims = d;
      Builtins.define(s, "conv" + d + "d", (t, a, span) -> conv(t, a, span, dims));
      Builtins.define(s, "conv_transpose" + d + "d", (t, a, span) -> convTranspose(t, a, span, dims));
      Builtins.define(s, "max_pool" + d + "d", (t, a, span) -> maxPool(t, a, span, dims));
      Builtins.define(s, "avg_pool" + d + "d", (t, a, span) -> avgPool(t, a, span, dims));
    }
  }

  // ---- pad ------------------------------------------------------------------------------------

  /** {@code pad(x, [left, right, top, bottom, ...], mode = "constant", value = 0.0)}: pairs start at the last dim. */
  private static Val pad(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(4, "x", "pad", "mode", "value");
    Val.Tensor x = a.tensor(0, "x");
    Args.Arg padArg = a.require(1, "pad");
    List<Long> pads = intList(t, padArg, "pad");
    int rank = x.value().rank();
    if (pads.size() % 2 != 0 || pads.size() > 2 * rank) {
      throw Tracer.error(ErrorCode.INVALID_VALUE, padArg.span(), "`pad` needs pairs (before, after) for at most "
          + rank + " dims, last dim first, got " + pads.size() + " numbers");
    }
    PadMode mode = padMode(a);
    List<Integer> before = new ArrayList<>(Collections.nCopies(rank, 0));
    List<Integer> after = new ArrayList<>(Collections.nCopies(rank, 0));
    for (int i = 0; i < pads.size() / 2; i++) {
      int axis = rank - 1 - i;
      before.set(axis, nonNegative(pads.get(2 * i), padArg.span(), "a padding"));
      after.set(axis, nonNegative(pads.get(2 * i + 1), padArg.span(), "a padding"));
    }
    double value = a.number(3, "value", 0.0);
    if (mode != PadMode.CONSTANT && a.find(3, "value") != null) {
      throw Tracer.error(ErrorCode.INVALID_VALUE, a.find(3, "value").span(), "`value` is only used by constant padding, not "
          + mode.text());
    }
    return t.tensor(new Op.Pad(mode, before, after, value), span, x);
  }

  private static PadMode padMode(Args a) throws CheckError {
    Args.Arg arg = a.find(2, "mode");
    if (arg == null) {
      return PadMode.CONSTANT;
    }
    String text = a.string(2, "mode", null);
    PadMode mode = PadMode.parse(text);
    if (mode == null) {
      throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, arg.span(), "unknown padding mode \"" + text + "\"")
          .withHelp("use \"constant\", \"reflect\", \"replicate\" or \"circular\""));
    }
    return mode;
  }

  /** {@code ntuple(kernel_size, 2)}: an int repeated n times, or a list of n ints as it is (PyTorch's {@code _ntuple}). */
  private static Val ntuple(Tracer t, Args a, SourceSpan span) throws CheckError {
    a.expectAtMost(2, "x", "n");
    int n = positive(a.intValue(1, "n", null), a.require(1, "n"), "`n`");
    return new Val.ListV(sizes(t, a, 0, "x", n, null).stream().map(v -> (Val) Val.Int.of(v)).toList());
  }

  // ---- convolution ----------------------------------------------------------------------------

  /**
   * {@code convNd(x, weight, stride = 1, padding = 0, dilation = 1, groups = 1, padding_mode = "zeros")}:
   * x [N, C, *S], weight [O, C / groups, *K]. {@code padding_mode} is the one of torch.nn.ConvNd
   * ("zeros", "reflect", "replicate", "circular"); other modes than zeros pad x first.
   */
  private static Val conv(Tracer t, Args a, SourceSpan span, int dims) throws CheckError {
    String name = "conv" + dims + "d";
    a.expectAtMost(7, "x", "weight", "stride", "padding", "dilation", "groups", "padding_mode");
    Val.Tensor x = a.tensor(0, "x");
    Val.Tensor w = a.tensor(1, "weight");
    requireRank(name, w, dims + 2, "weights [out_channels, in_channels / groups, " + kernelNames(dims) + "]", a.find(1, "weight"));
    List<Integer> kernel = kernelOf(w);
    List<Integer> stride = sizes(t, a, 2, "stride", dims, 1);
    List<Integer> dilation = sizes(t, a, 4, "dilation", dims, 1);
    int groups = positive(a.intValue(5, "groups", 1L), a.find(5, "groups"), "`groups`");
    List<Integer> before;
    List<Integer> after;
    Args.Arg padArg = a.find(3, "padding");
    if (padArg != null && padArg.value() instanceof Val.Str mode) {
      switch (mode.value()) {
        case "valid" -> {
          before = Collections.nCopies(dims, 0);
          after = before;
        }
        case "same" -> {
          if (stride.stream().anyMatch(v -> v != 1)) {
            throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, padArg.span(),
                "padding \"same\" needs stride 1, got stride " + stride)
                .withHelp("compute the padding yourself, or use stride 1"));
          }
          before = new ArrayList<>();
          after = new ArrayList<>();
          for (int i = 0; i < dims; i++) {
            int total = dilation.get(i) * (kernel.get(i) - 1);
            before.add(total / 2); // as PyTorch: the odd cell goes after
            after.add(total - total / 2);
          }
        }
        default -> throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, padArg.span(),
            "unknown padding \"" + mode.value() + "\"").withHelp("use a number, a list of numbers, \"same\" or \"valid\""));
      }
    } else {
      before = sizes(t, a, 3, "padding", dims, 0);
      after = before;
    }
    String paddingMode = a.string(6, "padding_mode", "zeros");
    if (!paddingMode.equals("zeros")) {
      PadMode mode = PadMode.parse(paddingMode);
      if (mode == null || mode == PadMode.CONSTANT) {
        throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, a.find(6, "padding_mode").span(),
            "unknown padding_mode \"" + paddingMode + "\"").withHelp("use \"zeros\", \"reflect\", \"replicate\" or \"circular\""));
      }
      if (x.value().rank() == dims + 2) {
        List<Integer> allBefore = new ArrayList<>(List.of(0, 0));
        List<Integer> allAfter = new ArrayList<>(List.of(0, 0));
        allBefore.addAll(before);
        allAfter.addAll(after);
        x = t.tensor(new Op.Pad(mode, allBefore, allAfter, 0), span, x);
        before = Collections.nCopies(dims, 0);
        after = before;
      }
    }
    return t.tensor(new Op.Conv(new ConvGeometry(stride, before, after, dilation, groups)), span, x, w);
  }

  /**
   * {@code conv_transposeNd(x, weight, stride = 1, padding = 0, output_padding = 0, groups = 1, dilation = 1)}:
   * x [N, C_in, *S], weight [C_in, C_out / groups, *K], output size
   * {@code (S - 1) * stride - 2 * padding + dilation * (K - 1) + output_padding + 1}.
   */
  private static Val convTranspose(Tracer t, Args a, SourceSpan span, int dims) throws CheckError {
    String name = "conv_transpose" + dims + "d";
    a.expectAtMost(7, "x", "weight", "stride", "padding", "output_padding", "groups", "dilation");
    Val.Tensor x = a.tensor(0, "x");
    Val.Tensor w = a.tensor(1, "weight");
    requireRank(name, w, dims + 2, "weights [in_channels, out_channels / groups, " + kernelNames(dims) + "]",
        a.find(1, "weight"));
    List<Integer> kernel = kernelOf(w);
    List<Integer> stride = sizes(t, a, 2, "stride", dims, 1);
    List<Integer> padding = sizes(t, a, 3, "padding", dims, 0);
    List<Integer> outputPadding = sizes(t, a, 4, "output_padding", dims, 0);
    int groups = positive(a.intValue(5, "groups", 1L), a.find(5, "groups"), "`groups`");
    List<Integer> dilation = sizes(t, a, 6, "dilation", dims, 1);
    if (x.value().rank() != dims + 2) {
      throw Tracer.error(ErrorCode.OP_SHAPE, a.find(0, "x").span(), "`" + name + "` needs an input [N, C, "
          + spatialNames(dims) + "] of rank " + (dims + 2) + ", got " + x.value().type());
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < dims; i++) {
      if (outputPadding.get(i) >= Math.max(stride.get(i), dilation.get(i))) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, a.find(4, "output_padding").span(), "`output_padding` must be "
            + "smaller than the stride or the dilation, got " + outputPadding.get(i));
      }
      Dim s = x.value().shape().dim(2 + i);
      out.add(s.minus(Dim.of(1)).times(Dim.of(stride.get(i))).minus(Dim.of(2L * padding.get(i)))
          .plus(Dim.of((long) dilation.get(i) * (kernel.get(i) - 1) + outputPadding.get(i) + 1)));
    }
    // With output_padding >= stride (possible when dilation > 1), the convolution of the output
    // size has output_padding / stride more cells than x: they are zeros that reach nothing.
    List<Integer> extra = new ArrayList<>();
    for (int i = 0; i < dims; i++) {
      extra.add(outputPadding.get(i) / stride.get(i));
    }
    if (extra.stream().anyMatch(e -> e > 0)) {
      List<Integer> before = new ArrayList<>(Collections.nCopies(dims + 2, 0));
      List<Integer> after = new ArrayList<>(List.of(0, 0));
      after.addAll(extra);
      x = t.tensor(new Op.Pad(PadMode.CONSTANT, before, after, 0), span, x);
    }
    ConvGeometry geometry = new ConvGeometry(stride, padding, padding, dilation, groups);
    return t.tensor(new Op.ConvTranspose(geometry, out), span, x, w);
  }

  // ---- pooling --------------------------------------------------------------------------------

  /** {@code max_poolNd(x, kernel_size, stride = kernel_size, padding = 0, dilation = 1, ceil_mode = false)} over the last N dims. */
  private static Val maxPool(Tracer t, Args a, SourceSpan span, int dims) throws CheckError {
    a.expectAtMost(6, "x", "kernel_size", "stride", "padding", "dilation", "ceil_mode");
    Val.Tensor x = a.tensor(0, "x");
    Pooling p = pooling(t, a, dims, x, "max_pool" + dims + "d", 4, 5);
    Val.Tensor padded = padSpatial(t, x, p.padding(), p.extra(), Double.NEGATIVE_INFINITY, span);
    return t.tensor(new Op.Window(WindowFn.MAX, p.geometry()), span, padded);
  }

  /**
   * {@code avg_poolNd(x, kernel_size, stride = kernel_size, padding = 0, ceil_mode = false,
   * count_include_pad = true)}: the window sum divided by the number of cells counted, which is
   * itself a window sum (of ones), exactly as PyTorch counts: explicit padding counts when
   * {@code count_include_pad}, the overhang of ceil mode never does.
   */
  private static Val avgPool(Tracer t, Args a, SourceSpan span, int dims) throws CheckError {
    a.expectAtMost(6, "x", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad");
    Val.Tensor x = a.tensor(0, "x");
    Pooling p = pooling(t, a, dims, x, "avg_pool" + dims + "d", -1, 4);
    boolean countPad = a.bool(5, "count_include_pad", true);
    Val.Tensor sums = t.tensor(new Op.Window(WindowFn.SUM, p.geometry()), span,
        padSpatial(t, x, p.padding(), p.extra(), 0, span));
    int rank = x.value().rank();
    List<Dim> spatial = x.value().shape().dims().subList(rank - dims, rank);
    Val.Tensor ones = new Val.Tensor(t.graph().addChecked(new Op.Fill(1, TensorType.f32(new Shape(spatial))), span), span);
    List<Integer> none = Collections.nCopies(dims, 0);
    Val.Tensor counted = countPad
        ? t.tensor(new Op.Pad(PadMode.CONSTANT, p.padding(), p.padding(), 1), span, ones)
        : t.tensor(new Op.Pad(PadMode.CONSTANT, p.padding(), p.padding(), 0), span, ones);
    Val.Tensor overhang = t.tensor(new Op.Pad(PadMode.CONSTANT, none, p.extra(), 0), span, counted);
    Val.Tensor divisor = t.tensor(new Op.Window(WindowFn.SUM, p.geometry()), span, overhang);
    return t.tensor(new Op.Binary(dev.nnet.ir.BinaryFn.DIV), span, sums, divisor);
  }

  /** A pooling's windows, its explicit padding, and the extra cells ceil mode adds at the end of each dim. */
  private record Pooling(WindowGeometry geometry, List<Integer> padding, List<Integer> extra) {}

  private static Pooling pooling(Tracer t, Args a, int dims, Val.Tensor x, String name, int dilationIndex, int ceilIndex)
      throws CheckError {
    int rank = x.value().rank();
    if (rank < dims + 1) {
      throw Tracer.error(ErrorCode.OP_SHAPE, a.find(0, "x").span(), "`" + name + "` needs an input [N, C, "
          + spatialNames(dims) + "] or [C, " + spatialNames(dims) + "], got " + x.value().type());
    }
    List<Integer> kernel = sizes(t, a, 1, "kernel_size", dims, null);
    List<Integer> stride = a.find(2, "stride") == null ? kernel : sizes(t, a, 2, "stride", dims, null);
    List<Integer> padding = sizes(t, a, 3, "padding", dims, 0);
    List<Integer> dilation = dilationIndex < 0 ? Collections.nCopies(dims, 1) : sizes(t, a, dilationIndex, "dilation", dims, 1);
    boolean ceil = a.bool(ceilIndex, "ceil_mode", false);
    List<Integer> extra = new ArrayList<>();
    for (int i = 0; i < dims; i++) {
      if (padding.get(i) * 2 > kernel.get(i)) {
        Args.Arg padArg = a.find(3, "padding");
        throw new CheckError(Diagnostic.error(ErrorCode.INVALID_VALUE, padArg.span(), "`" + name + "` padding "
            + padding.get(i) + " is more than half the window " + kernel.get(i))
            .withHelp("PyTorch allows at most kernel_size / 2; pad the input with `pad` first if you need more"));
      }
      Dim s = x.value().shape().dim(rank - dims + i);
      int span = dilation.get(i) * (kernel.get(i) - 1) + 1;
      if (!ceil) {
        extra.add(0);
        continue;
      }
      if (!s.isConstant()) {
        throw Tracer.error(ErrorCode.OP_SHAPE, a.find(ceilIndex, "ceil_mode").span(), "`ceil_mode` needs spatial "
            + "sizes known before running, got " + x.value().type());
      }
      long padded = s.constant() + 2L * padding.get(i);
      long out = Math.max(0, ceilDiv(padded - span, stride.get(i))) + 1;
      if ((out - 1) * stride.get(i) >= s.constant() + padding.get(i)) {
        out--; // as PyTorch: the last window must start inside the input or its left padding
      }
      extra.add((int) Math.max(0, (out - 1) * stride.get(i) + span - padded));
    }
    return new Pooling(new WindowGeometry(kernel, stride, dilation), padding, extra);
  }

  /** Pads the last {@code padding.size()} dims of x with {@code value}: padding on both sides, plus {@code extra} after. */
  private static Val.Tensor padSpatial(Tracer t, Val.Tensor x, List<Integer> padding, List<Integer> extra, double value,
      SourceSpan span) throws CheckError {
    if (padding.stream().allMatch(p -> p == 0) && extra.stream().allMatch(p -> p == 0)) {
      return x;
    }
    int rank = x.value().rank();
    int lead = rank - padding.size();
    List<Integer> before = new ArrayList<>(Collections.nCopies(lead, 0));
    List<Integer> after = new ArrayList<>(Collections.nCopies(lead, 0));
    for (int i = 0; i < padding.size(); i++) {
      before.add(padding.get(i));
      after.add(padding.get(i) + extra.get(i));
    }
    return t.tensor(new Op.Pad(PadMode.CONSTANT, before, after, value), span, x);
  }

  // ---- argument helpers -----------------------------------------------------------------------

  /** An int, or a list of {@code n} ints (one per spatial dim); {@code fallback} when absent (null: required). */
  private static List<Integer> sizes(Tracer t, Args a, int index, String name, int n, Integer fallback) throws CheckError {
    Args.Arg arg = a.find(index, name);
    if (arg == null) {
      if (fallback == null) {
        a.require(index, name);
      }
      return Collections.nCopies(n, fallback);
    }
    List<Long> values;
    if (arg.value() instanceof Val.Int) {
      values = Collections.nCopies(n, t.intOf(arg.value(), arg.span()));
    } else if (arg.value() instanceof Val.ListV || arg.value() instanceof Val.TupleV) {
      values = intList(t, arg, name);
      if (values.size() != n) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, arg.span(), "`" + name + "` needs one number per spatial dim ("
            + n + "), got " + values.size());
      }
    } else {
      throw a.wrongKind(arg, name, "an int or a list of " + n + " ints");
    }
    List<Integer> out = new ArrayList<>();
    boolean positiveOnly = !name.contains("padding");
    for (long v : values) {
      out.add(positiveOnly ? positive(v, arg, "`" + name + "`") : nonNegative(v, arg.span(), "`" + name + "`"));
    }
    return out;
  }

  private static List<Long> intList(Tracer t, Args.Arg arg, String name) throws CheckError {
    List<Val> items = arg.value() instanceof Val.ListV l ? l.items()
        : arg.value() instanceof Val.TupleV tv ? tv.items() : null;
    if (items == null) {
      throw Tracer.error(ErrorCode.ARGUMENT_TYPE, arg.span(), "`" + name + "` needs a list of ints, got "
          + arg.value().describe());
    }
    List<Long> out = new ArrayList<>();
    for (Val v : items) {
      out.add(t.intOf(v, arg.span()));
    }
    return out;
  }

  private static int positive(long v, Args.Arg arg, String what) throws CheckError {
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw Tracer.error(ErrorCode.INVALID_VALUE, arg.span(), what + " must be a positive int, got " + v);
    }
    return (int) v;
  }

  private static int nonNegative(long v, SourceSpan at, String what) throws CheckError {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw Tracer.error(ErrorCode.INVALID_VALUE, at, what + " must be a non-negative int, got " + v);
    }
    return (int) v;
  }

  private static void requireRank(String name, Val.Tensor w, int rank, String what, Args.Arg at) throws CheckError {
    if (w.value().rank() != rank) {
      throw Tracer.error(ErrorCode.OP_SHAPE, at.span(), "`" + name + "` needs " + what + ", got " + w.value().type());
    }
    for (Dim d : w.value().shape().dims().subList(2, rank)) {
      if (!d.isConstant()) {
        throw Tracer.error(ErrorCode.OP_SHAPE, at.span(), "`" + name + "` needs a kernel of known size, got "
            + w.value().type());
      }
    }
  }

  private static List<Integer> kernelOf(Val.Tensor w) {
    return w.value().shape().dims().subList(2, w.value().rank()).stream()
        .map(d -> Math.toIntExact(d.constant())).toList();
  }

  private static String kernelNames(int dims) {
    return switch (dims) {
      case 1 -> "kL";
      case 2 -> "kH, kW";
      default -> "kD, kH, kW";
    };
  }

  private static String spatialNames(int dims) {
    return switch (dims) {
      case 1 -> "L";
      case 2 -> "H, W";
      default -> "D, H, W";
    };
  }

  private static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
