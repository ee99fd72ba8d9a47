package dev.nnet.golden;

/** {@link BatchNormStateTest} with the java backend registered: state updates run on every backend. */
class JavaBatchNormStateTest extends BatchNormStateTest {}
