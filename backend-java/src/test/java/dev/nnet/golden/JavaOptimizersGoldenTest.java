package dev.nnet.golden;

/** {@link OptimizersGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaOptimizersGoldenTest extends OptimizersGoldenTest {}
