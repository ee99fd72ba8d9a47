package dev.nnet.runtime.exec;

/**
 * Per-thread scratch arrays of the convolution kernels: the im2col columns of one sample and group,
 * and one product before it is added into an accumulator. They grow to the largest size asked for
 * and are kept, so a training step allocates nothing for them (as {@link VectorSgemm} does for its
 * packing buffers). Contents are garbage between uses.
 */
final class ConvScratch {
  private static final ThreadLocal<ConvScratch> CURRENT = ThreadLocal.withInitial(ConvScratch::new);

  private float[] columns = new float[0];
  private float[] product = new float[0];

  private ConvScratch() {}

  /** The calling thread's scratch. */
  static ConvScratch get() {
    return CURRENT.get();
  }

  /** An array of at least {@code n} floats for im2col columns. */
  float[] columns(int n) {
    if (columns.length < n) {
      columns = new float[n];
    }
    return columns;
  }

  /** An array of at least {@code n} floats for a product, distinct from {@link #columns}. */
  float[] product(int n) {
    if (product.length < n) {
      product = new float[n];
    }
    return product;
  }
}
