package dev.nnet.ir;

import dev.nnet.ir.GraphBuilder.Value;
import java.util.List;

/**
 * A graph that uses every op of {@link Op} at least once, with symbolic dims (including a floor
 * division from a strided convolution), constants of each dtype, odd fill values and spans, so
 * the IR text tests see every attribute the printer writes.
 */
final class EveryOpGraph {
  private EveryOpGraph() {}

  static Graph build() throws ShapeError {
    GraphBuilder g = new GraphBuilder();
    SourceSpan at = new SourceSpan("/somewhere/model.nnet", 3, 7, 3, 12);
    Dim n = Dim.symbol("N");
    Value x = g.input("x", TensorType.f32(Shape.of(n, Dim.of(3), Dim.symbol("H"), Dim.symbol("W"))), at);
    Value w = g.parameter("conv.weight", TensorType.f32(Shape.of(4, 3, 3, 3)), true, at);
    Value state = g.parameter("bn.running_mean", TensorType.f32(Shape.of(4)), false);
    Value labels = g.input("label", new TensorType(DType.I64, Shape.of(n)));
    Value table = g.add(new Op.Constant(ConstantData.ofFloats(DType.F32, new float[] {1.5f, -0.1f, 3e-8f, 7f}, 2, 2)), at);
    Value ints = g.add(new Op.Constant(ConstantData.ofLongs(new long[] {-3, 0, 1L << 40}, 3)), null);
    Value flag = g.add(new Op.Constant(ConstantData.ofFloats(DType.BOOL, new float[] {1f}, 1)), null);
    Value one = g.add(new Op.Constant(ConstantData.ofFloats(DType.F32, new float[] {0.25f})), null);
    Value nan = g.add(new Op.Fill(Double.NaN, TensorType.f32(Shape.scalar())), null);
    Value negInf = g.add(new Op.Fill(Double.NEGATIVE_INFINITY, TensorType.f32(Shape.of(n))), at);
    Value zerosI = g.add(new Op.Fill(0, new TensorType(DType.I64, Shape.of(n))), null);
    Value steps = g.add(new Op.Arange(0, 1, Dim.of(5), DType.I64), null);
    Value ramp = g.add(new Op.Arange(-1.5, 0.25, n, DType.F32), at);

    Value conv = g.add(new Op.Conv(new ConvGeometry(List.of(2, 2), List.of(1, 0), List.of(1, 2), List.of(1, 1), 1)), at, x, w);
    List<Dim> spatial = x.shape().dims().subList(2, 4);
    Value back = g.add(new Op.ConvTranspose(new ConvGeometry(List.of(2, 2), List.of(1, 0), List.of(1, 2), List.of(1, 1), 1),
        spatial), at, conv, w);
    Value filter = g.add(new Op.ConvFilterGrad(new ConvGeometry(List.of(2, 2), List.of(1, 0), List.of(1, 2),
        List.of(1, 1), 1), List.of(3, 3)), at, x, conv);
    WindowGeometry pool = new WindowGeometry(List.of(2, 2), List.of(2, 2), List.of(1, 1));
    Value max = g.add(new Op.Window(WindowFn.MAX, pool), at, x);
    Value sum = g.add(new Op.Window(WindowFn.SUM, pool), null, x);
    Value sumBack = g.add(new Op.WindowSumTranspose(pool, spatial), null, sum);
    Value maxBack = g.add(new Op.WindowMaxGrad(pool), null, x, max);

    Value e = g.add(new Op.Unary(UnaryFn.EXP), at, back);
    Value added = g.add(new Op.Binary(BinaryFn.ADD), at, e, sumBack);
    Value positive = g.add(new Op.Binary(BinaryFn.GT), at, added, one);
    Value chosen = g.add(new Op.Where(), at, positive, added, maxBack);
    Value asInt = g.add(new Op.Cast(DType.I64), null, chosen);
    Value detached = g.add(new Op.StopGradient(), null, chosen);
    Value flat = g.add(new Op.Reshape(Shape.of(n, Dim.of(3).times(Dim.symbol("H")).times(Dim.symbol("W")))), at, detached);
    Value moved = g.add(new Op.Permute(List.of(0, 2, 3, 1)), null, detached);
    Value widened = g.add(new Op.Expand(Shape.of(Dim.of(5), Dim.of(4))), null, g.add(new Op.Reshape(Shape.of(1, 4)), null, state));
    Value sliced = g.add(new Op.Slice(2, 1, 3, 2), null, x);
    Value sliced1 = g.add(new Op.Slice(1, 0, 2, 1), null, x);
    Value joined = g.add(new Op.Concat(1), null, x, x, sliced1);
    Value reflected = g.add(new Op.Pad(PadMode.REFLECT, List.of(0, 0, 1, 1), List.of(0, 0, 1, 1), 0), null, x);
    Value padded = g.add(new Op.Pad(PadMode.CONSTANT, List.of(0, 0, 2, 0), List.of(0, 1, 0, 2), -2.5), at, x);
    Value cropped = g.add(new Op.PadTranspose(PadMode.CONSTANT, List.of(0, 0, 2, 0), List.of(0, 1, 0, 2)), null, padded);
    Value flipped = g.add(new Op.Flip(List.of(2, 3)), null, reflected);
    Value total = g.add(new Op.Reduce(ReduceFn.SUM, List.of(1), true), null, flipped);
    Value mean = g.add(new Op.Reduce(ReduceFn.MEAN, List.of(0, 2), false), null, cropped);
    Value biggest = g.add(new Op.Reduce(ReduceFn.MAX, List.of(3), false), null, moved);
    Value best = g.add(new Op.ArgMax(1), null, flat);
    Value product = g.add(new Op.MatMul(), at, widened, g.add(new Op.Permute(List.of(1, 0)), null, widened));
    Value hot = g.add(new Op.OneHot(10), null, labels);
    Value rows = g.add(new Op.Gather(), null, table, g.add(new Op.Slice(0, 0, 2, 1), null, g.add(new Op.Binary(BinaryFn.MAX),
        null, ints, g.add(new Op.Fill(0, new TensorType(DType.I64, Shape.of(3))), null))));
    Value scattered = g.add(new Op.ScatterAdd(n.plus(Dim.of(1))), null, hot, labels);
    Value uniform = g.add(new Op.RandomUniform(TensorType.f32(Shape.of(n, Dim.of(4))), g.nextSalt()), at);
    Value normal = g.add(new Op.RandomNormal(TensorType.f32(Shape.scalar()), 1L << 40), null);
    Value order = g.add(new Op.RandomPermutation(n, g.nextSalt()), at);
    Value drawn = g.add(new Op.Categorical(g.nextSalt()), null, uniform);
    Value negated = g.add(new Op.Unary(UnaryFn.NEG), null, g.add(new Op.Binary(BinaryFn.MUL), null, ramp, negInf));
    Value anded = g.add(new Op.Binary(BinaryFn.AND), null, flag, positive);
    Value count = g.add(new Op.Binary(BinaryFn.ADD), null, zerosI, best);
    // A scan (reversed, over a symbolic length) whose body captures a weight and nests no further.
    GraphBuilder body = g.child();
    Value carry = body.input("carry0", TensorType.f32(Shape.of(n)));
    Value step = body.input("x0", TensorType.f32(Shape.of(n)));
    Value next = body.add(new Op.Binary(BinaryFn.ADD), at, body.add(new Op.Binary(BinaryFn.MUL), null, carry, step), negInf);
    body.output("carry0", next);
    body.output("y0", body.add(new Op.Unary(UnaryFn.TANH), null, next));
    Value seq = g.add(new Op.Expand(Shape.of(Dim.symbol("T"), n)), null, ramp);
    Op.Scan loop = new Op.Scan(body.build(), 1, 1, body.captures().size(), Dim.symbol("T"), true);
    List<Value> operands = new java.util.ArrayList<>(List.of(ramp, seq));
    operands.addAll(body.captures());
    Value scan = g.add(loop, at, operands.toArray(Value[]::new));
    Value scanned = g.add(new Op.ScanResult(1, loop.resultType(1)), null, scan);

    g.output("conv", conv);
    g.output("filter:grad", filter);
    g.output("int", asInt);
    g.output("sliced", sliced);
    g.output("joined", joined);
    g.output("sums", total);
    g.output("mean", mean);
    g.output("max", biggest);
    g.output("product", product);
    g.output("rows", rows);
    g.output("scattered", scattered);
    g.output("uniform", uniform);
    g.output("normal", normal);
    g.output("order", order);
    g.output("drawn", drawn);
    g.output("negated", negated);
    g.output("anded", anded);
    g.output("count", count);
    g.output("steps", steps);
    g.output("nan", nan);
    g.output("scanned", scanned);
    return g.build();
  }
}
