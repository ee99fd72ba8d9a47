package dev.nnet.golden;

/** {@link MovementGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaMovementGoldenTest extends MovementGoldenTest {}
