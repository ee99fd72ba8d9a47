#!/usr/bin/env bash
# Latency of the language server's live diagnostics (see bench/README.md). Usage:
#   bench/lsp_latency.sh [FILE [WARMUP ROUNDS]]     (default: the largest example)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f cli/target/nnet.jar ] || mvn -B -q -pl cli -am package -DskipTests
exec java -cp cli/target/nnet.jar bench/lsp/LspLatency.java "${@:-examples/fashion/mlp.nnet}"
