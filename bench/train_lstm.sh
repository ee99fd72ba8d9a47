#!/usr/bin/env bash
# Trains the Fashion-MNIST LSTM classifier with nnet and with PyTorch (../shared/bench/train_lstm.py, the
# baseline's tuned configuration: 1 torch thread, 2 BLAS threads) in one invocation, and prints
# both throughputs and their ratio. Needs dataset-fashion-mnist and python3-torch (Debian).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${NNET_SHARED_BENCH:-$root/../shared/bench}"
epochs="${EPOCHS:-2}"
cd "$root"
ours=$(./nnet train examples/fashion/lstm.nnet --epochs "$epochs" | tee /dev/stderr | sed -n 's/^train_throughput: \([0-9.]*\) .*/\1/p')
# The baselines were recorded with these OpenBLAS settings (BASELINES.md); use them unless set.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}" OPENBLAS_L2_SIZE="${OPENBLAS_L2_SIZE:-512}"
theirs=$(cd "$shared" && /usr/bin/python3 train_lstm.py --threads 1 --blas-threads 2 --epochs "$epochs" --no-wait \
  | tee /dev/stderr | tail -1 | sed -n 's/.*train_throughput: \([0-9.]*\).*/\1/p')
echo "nnet:    $ours samples/s"
echo "pytorch: $theirs samples/s"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio nnet/pytorch: %.2f\n", a / b }'
