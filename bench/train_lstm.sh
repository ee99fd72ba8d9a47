#!/usr/bin/env bash
# Trains the Fashion-MNIST LSTM classifier with nnet and with PyTorch (../shared/bench/train_lstm.py, the baseline's tuned
# configuration: 1 torch thread, 2 BLAS threads) in one invocation, and prints both throughputs and their ratio.
# EPOCHS (default 2) sets the epochs of both.
exec "$(dirname "${BASH_SOURCE[0]}")/train_beside_pytorch.sh" examples/fashion/lstm.nnet train_lstm.py 1 2 "${EPOCHS:-2}"
