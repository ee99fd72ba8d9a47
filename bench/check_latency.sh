#!/usr/bin/env bash
# Time of checking a file (parse, names, shapes, the lowered training step; no data is read) in a
# warm JVM (see bench/README.md). Usage: bench/check_latency.sh [FILE [ROUNDS]]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f cli/target/nnet.jar ] || mvn -B -q -pl cli -am package -DskipTests
exec java -cp cli/target/nnet.jar bench/check/CheckLatency.java "${@:-examples/fashion/mlp.nnet}"
