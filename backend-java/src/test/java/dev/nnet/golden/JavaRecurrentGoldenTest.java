package dev.nnet.golden;

/** {@link RecurrentGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaRecurrentGoldenTest extends RecurrentGoldenTest {}
