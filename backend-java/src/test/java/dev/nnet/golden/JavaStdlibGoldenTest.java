package dev.nnet.golden;

/** {@link StdlibGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaStdlibGoldenTest extends StdlibGoldenTest {}
