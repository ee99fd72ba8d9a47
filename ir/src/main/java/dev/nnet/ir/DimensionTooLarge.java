package dev.nnet.ir;

/**
 * Dim arithmetic that cannot be done exactly and cheaply: a product whose expansion would have more
 * than {@link Dim#MAX_PRODUCT_TERMS} monomials ({@code (a0 + b0) * (a1 + b1) * ...} doubles with every
 * factor, so a few hundred bytes of source could otherwise take minutes and gigabytes), or a
 * coefficient past 64 bits. The checker reports it at the expression.
 */
public final class DimensionTooLarge extends ArithmeticException {
  public DimensionTooLarge(String message) {
    super(message);
  }
}
