package dev.nnet.runtime.train;

import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;

/**
 * Whether an op computes each row of its result from the same row of its operands alone (and from
 * constants), so that a value it computes from one data field can be computed for the whole
 * column at once, before training, with each element still belonging to its row: elementwise
 * arithmetic, casts, and the reshapes and expands that add or drop axes of size 1 around it. A
 * label written {@code y - 1} or {@code cast(y * 2, i64)} is such a value. Parameters, random
 * draws and anything that mixes rows (reductions, matmuls, permutes) are not.
 */
final class RowwiseOp implements OpVisitor<Boolean> {
  static final RowwiseOp INSTANCE = new RowwiseOp();

  private RowwiseOp() {}

  @Override public Boolean input(Op.Input op) { return true; }
  @Override public Boolean parameter(Op.Parameter op) { return false; }
  @Override public Boolean constant(Op.Constant op) { return true; }
  @Override public Boolean fill(Op.Fill op) { return true; }
  @Override public Boolean arange(Op.Arange op) { return false; }
  @Override public Boolean unary(Op.Unary op) { return true; }
  @Override public Boolean binary(Op.Binary op) { return true; }
  @Override public Boolean where(Op.Where op) { return true; }
  @Override public Boolean cast(Op.Cast op) { return true; }
  @Override public Boolean stopGradient(Op.StopGradient op) { return true; }
  // A reshape or expand of a batch value keeps its leading rows axis: [N] to [N, 1] and back.
  @Override public Boolean reshape(Op.Reshape op) { return true; }
  @Override public Boolean permute(Op.Permute op) { return false; }
  @Override public Boolean expand(Op.Expand op) { return true; }
  @Override public Boolean slice(Op.Slice op) { return false; }
  @Override public Boolean concat(Op.Concat op) { return false; }
  @Override public Boolean pad(Op.Pad op) { return false; }
  @Override public Boolean padTranspose(Op.PadTranspose op) { return false; }
  @Override public Boolean flip(Op.Flip op) { return false; }
  @Override public Boolean reduce(Op.Reduce op) { return false; }
  @Override public Boolean argMax(Op.ArgMax op) { return false; }
  @Override public Boolean window(Op.Window op) { return false; }
  @Override public Boolean windowSumTranspose(Op.WindowSumTranspose op) { return false; }
  @Override public Boolean matMul(Op.MatMul op) { return false; }
  @Override public Boolean conv(Op.Conv op) { return false; }
  @Override public Boolean convTranspose(Op.ConvTranspose op) { return false; }
  @Override public Boolean convFilterGrad(Op.ConvFilterGrad op) { return false; }
  @Override public Boolean oneHot(Op.OneHot op) { return false; }
  @Override public Boolean gather(Op.Gather op) { return false; }
  @Override public Boolean scatterAdd(Op.ScatterAdd op) { return false; }
  @Override public Boolean windowMaxGrad(Op.WindowMaxGrad op) { return false; }
  @Override public Boolean randomUniform(Op.RandomUniform op) { return false; }
  @Override public Boolean randomNormal(Op.RandomNormal op) { return false; }
  @Override public Boolean randomPermutation(Op.RandomPermutation op) { return false; }
  @Override public Boolean categorical(Op.Categorical op) { return false; }
  @Override public Boolean scan(Op.Scan op) { return false; }
  @Override public Boolean scanResult(Op.ScanResult op) { return false; }
}
