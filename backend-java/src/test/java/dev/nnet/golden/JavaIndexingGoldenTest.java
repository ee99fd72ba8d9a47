package dev.nnet.golden;

/** {@link IndexingGoldenTest} with the java backend registered: its checks run on every backend. */
class JavaIndexingGoldenTest extends IndexingGoldenTest {}
