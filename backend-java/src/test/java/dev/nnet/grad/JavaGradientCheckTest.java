package dev.nnet.grad;

/** {@link GradientCheckTest} with the java backend registered: the finite differences run on every backend. */
class JavaGradientCheckTest extends GradientCheckTest {}
