#!/usr/bin/env bash
# Batch-1 inference latency of the Fashion-MNIST MLP (or FILE) in a warm JVM: the prediction graph on
# every backend (reference interpreter, generated Java) beside a hand-written GEMV chain of the same
# layers. Reads no data. Usage: bench/infer_mlp_java.sh [FILE [CALLS]]
set -euo pipefail
cd "$(dirname "$0")/.."
./nnet --help > /dev/null   # builds cli/target/nnet.jar when it is missing or stale
exec java --add-modules jdk.incubator.vector -cp cli/target/nnet.jar bench/infer/InferLatency.java \
  "${@:-examples/fashion/mlp.nnet}"
