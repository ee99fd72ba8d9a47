#!/usr/bin/env bash
# Trains the Fashion-MNIST MLP with nnet and with PyTorch (../shared/bench/train_mlp.py, the baseline's tuned
# configuration: 1 torch thread, 2 BLAS threads) in one invocation, and prints both throughputs and their ratio.
# EPOCHS (default 5) sets the epochs of both; other arguments go to `nnet train` (bench/train_mlp.sh --backend java).
exec "$(dirname "${BASH_SOURCE[0]}")/train_beside_pytorch.sh" examples/fashion/mlp.nnet train_mlp.py 1 2 "${EPOCHS:-5}" "$@"
