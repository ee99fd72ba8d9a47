#!/usr/bin/env bash
# Trains the Fashion-MNIST LeNet-5 CNN with nnet and with PyTorch (../shared/bench/train_cnn.py, the baseline's tuned
# configuration: 2 torch threads, 1 BLAS thread) in one invocation, and prints both throughputs and their ratio.
# EPOCHS (default 5) sets the epochs of both.
exec "$(dirname "${BASH_SOURCE[0]}")/train_beside_pytorch.sh" examples/fashion/lenet.nnet train_cnn.py 2 1 "${EPOCHS:-5}"
