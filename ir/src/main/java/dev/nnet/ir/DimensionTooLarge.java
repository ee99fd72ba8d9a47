package dev.nnet.ir;

/**
 * Dim arithmetic that cannot be done: a product whose expansion would have more than {@link
 * Dim#MAX_PRODUCT_TERMS} monomials ({@code (a0 + b0) * (a1 + b1) * ...} doubles with every factor, so
 * a few hundred bytes of source could otherwise take minutes and gigabytes), or a division by zero.
 * The checker reports it at the expression. (A coefficient past 64 bits is a plain {@link
 * ArithmeticException} from {@code Math.addExact}/{@code multiplyExact}: an integer overflow,
 * NNET0205.)
 */
public final class DimensionTooLarge extends ArithmeticException {
  public DimensionTooLarge(String message) {
    super(message);
  }
}
