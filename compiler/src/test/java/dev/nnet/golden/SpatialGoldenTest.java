package dev.nnet.golden;

import dev.nnet.ir.Graph;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Padding, convolution (1-, 2- and 3-d; stride, padding incl. "same"/"valid", dilation, groups),
 * transposed convolution, max and average pooling (padding, dilation, ceil mode, count_include_pad,
 * ties) and flip against PyTorch ({@code golden/conv.txt}), forward and gradients, through the
 * checker as {@link StdlibGoldenTest} does.
 */
class SpatialGoldenTest {
  static List<GoldenFile.Case> cases() {
    return GoldenFile.load("conv.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(GoldenFile.Case c) {
    run(c);
  }

  /** Checks the case against PyTorch and returns the graph that ran (for {@link OpCoverageTest}). */
  static Graph run(GoldenFile.Case c) {
    return StdlibGoldenTest.checkThroughChecker(c, concreteParams(c));
  }

  /**
   * The case's parameters with the shapes of its inputs: kernel sizes must be known when a
   * convolution or pooling is checked (as in every real layer), and ceil mode needs the spatial
   * sizes, so these cases are traced with concrete shapes.
   */
  static String concreteParams(GoldenFile.Case c) {
    List<String> params = new java.util.ArrayList<>();
    for (GoldenFile.Row r : c.rows("in")) {
      if (r.name().equals("w")) {
        continue; // the upstream weight, not a parameter
      }
      String dims = java.util.Arrays.stream(r.shape()).mapToObj(Integer::toString)
          .collect(java.util.stream.Collectors.joining(", "));
      params.add(r.name() + ": " + (r.dtype() == dev.nnet.ir.DType.F32 ? "" : r.dtype().text()) + "[" + dims + "]");
    }
    return String.join(", ", params);
  }
}
