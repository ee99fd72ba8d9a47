package dev.nnet.golden;

/** {@link ReductionsGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaReductionsGoldenTest extends ReductionsGoldenTest {}
