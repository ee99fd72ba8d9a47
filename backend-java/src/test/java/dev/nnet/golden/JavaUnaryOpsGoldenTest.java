package dev.nnet.golden;

/** {@link UnaryOpsGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaUnaryOpsGoldenTest extends UnaryOpsGoldenTest {}
