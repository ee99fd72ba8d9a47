#!/usr/bin/env bash
# Trains an example (default: the Fashion-MNIST MLP) on the reference interpreter and on the java
# backend in one invocation and prints both throughputs and their ratio (the same model, seed and
# data: the losses printed should agree). EPOCHS (default 3) sets the epochs.
# Usage: bench/train_backends.sh [EXAMPLE.nnet]
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-examples/fashion/mlp.nnet}"
throughput() {
  ./nnet train "$example" --epochs "${EPOCHS:-3}" --backend "$1" | tee /dev/stderr \
    | sed -n 's/^train_throughput: \([0-9.]*\) .*/\1/p'
}
ref=$(throughput reference)
java=$(throughput java)
echo "reference: $ref samples/s"
echo "java:      $java samples/s"
awk -v a="$java" -v b="$ref" 'BEGIN { printf "ratio java/reference: %.2f\n", a / b }'
