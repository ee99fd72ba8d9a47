package dev.nnet.golden;

/** {@link SpatialGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaSpatialGoldenTest extends SpatialGoldenTest {}
