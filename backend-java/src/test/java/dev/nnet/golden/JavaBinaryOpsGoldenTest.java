package dev.nnet.golden;

/** {@link BinaryOpsGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaBinaryOpsGoldenTest extends BinaryOpsGoldenTest {}
