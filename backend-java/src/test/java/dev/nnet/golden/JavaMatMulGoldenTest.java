package dev.nnet.golden;

/** {@link MatMulGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaMatMulGoldenTest extends MatMulGoldenTest {}
