package dev.nnet.ir;

/**
 * One method per primitive op. Every pass or backend that must handle each op (gradient rules,
 * kernels, code generators, the conformance test) implements this interface, so a new op in
 * {@link Op} is a compile error until each of them handles it: there is no default case.
 */
public interface OpVisitor<R> {
  // leaves
  R input(Op.Input op);
  R parameter(Op.Parameter op);
  R constant(Op.Constant op);
  R fill(Op.Fill op);
  R arange(Op.Arange op);
  // elementwise
  R unary(Op.Unary op);
  R binary(Op.Binary op);
  R where(Op.Where op);
  R cast(Op.Cast op);
  R stopGradient(Op.StopGradient op);
  // movement
  R reshape(Op.Reshape op);
  R permute(Op.Permute op);
  R expand(Op.Expand op);
  R slice(Op.Slice op);
  R concat(Op.Concat op);
  R pad(Op.Pad op);
  R padTranspose(Op.PadTranspose op);
  R flip(Op.Flip op);
  // reductions
  R reduce(Op.Reduce op);
  R argMax(Op.ArgMax op);
  R window(Op.Window op);
  R windowSumTranspose(Op.WindowSumTranspose op);
  // contractions
  R matMul(Op.MatMul op);
  R conv(Op.Conv op);
  R convTranspose(Op.ConvTranspose op);
  R convFilterGrad(Op.ConvFilterGrad op);
  // indexing
  R oneHot(Op.OneHot op);
  R gather(Op.Gather op);
  R scatterAdd(Op.ScatterAdd op);
  R windowMaxGrad(Op.WindowMaxGrad op);
  // random
  R randomUniform(Op.RandomUniform op);
  R randomNormal(Op.RandomNormal op);
  R randomPermutation(Op.RandomPermutation op);
  R categorical(Op.Categorical op);
  // control
  R scan(Op.Scan op);
  R scanResult(Op.ScanResult op);
}
