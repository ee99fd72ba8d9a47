#!/usr/bin/env bash
# Trains one .nnet example with nnet and the same model with a PyTorch baseline script of
# ../shared/bench in one invocation, and prints both throughputs and their ratio. Needs
# dataset-fashion-mnist and python3-torch (Debian). Usage (the train_*.sh scripts call it):
#   bench/train_beside_pytorch.sh EXAMPLE.nnet BASELINE.py TORCH_THREADS BLAS_THREADS EPOCHS [NNET TRAIN OPTIONS...]
# (such as --backend java: the options after the fifth argument go to `nnet train`)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${NNET_SHARED_BENCH:-$root/../shared/bench}"
example="$1" baseline="$2" threads="$3" blas="$4" epochs="$5"
shift 5
cd "$root"
ours=$(./nnet train "$example" --epochs "$epochs" "$@" | tee /dev/stderr | sed -n 's/^train_throughput: \([0-9.]*\) .*/\1/p')
# The baselines were recorded with these OpenBLAS settings (BASELINES.md); use them unless set.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}" OPENBLAS_L2_SIZE="${OPENBLAS_L2_SIZE:-512}"
theirs=$(cd "$shared" && /usr/bin/python3 "$baseline" --threads "$threads" --blas-threads "$blas" --epochs "$epochs" --no-wait \
  | tee /dev/stderr | tail -1 | sed -n 's/.*train_throughput: \([0-9.]*\).*/\1/p')
echo "nnet:    $ours samples/s"
echo "pytorch: $theirs samples/s"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio nnet/pytorch: %.2f\n", a / b }'
