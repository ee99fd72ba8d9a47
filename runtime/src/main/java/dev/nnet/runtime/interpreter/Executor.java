package dev.nnet.runtime.interpreter;

import dev.nnet.runtime.exec.BufferPool;
import dev.nnet.runtime.exec.ConvKernels;
import dev.nnet.runtime.exec.CreationKernels;
import dev.nnet.runtime.exec.ElementwiseKernels;
import dev.nnet.runtime.exec.ExecutionError;
import dev.nnet.runtime.exec.IndexKernels;
import dev.nnet.runtime.exec.MatMulKernel;
import dev.nnet.runtime.exec.MovementKernels;
import dev.nnet.runtime.exec.PadKernels;
import dev.nnet.runtime.exec.RandomKernels;
import dev.nnet.runtime.exec.ReduceKernels;
import dev.nnet.runtime.exec.WindowKernels;
import dev.nnet.ir.ConvGeometry;
import dev.nnet.ir.CounterRandom;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Liveness;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.Shape;
import dev.nnet.ir.WindowGeometry;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The reference executor: runs a {@link Graph} node by node with the kernels of this package. It is
 * the oracle that every other backend is tested against, so it favours exact, documented semantics
 * over cleverness; it still uses both cores and recycles buffers so that CPU training is practical.
 *
 * <p>What an executor computes never changes after construction; it may run its graph from several
 * threads at once (each run borrows a buffer pool of its own).
 *
 * <pre>{@code
 * Executor exec = new Executor(graph);
 * Map<String, Tensor> out = exec.run(Map.of("x", batch, "w", weights), StepSeeds.training(seed, epoch, step));
 * }</pre>
 */
public final class Executor implements ScanLoop.Body {
  private final Graph graph;
  /**
   * Which nodes run (the others, such as the gradient of the input batch that a training step never
   * uses, do not) and when each value's buffer may go back to the pool.
   */
  private final Liveness liveness;
  /**
   * Buffer pools of finished runs, each borrowed by one run at a time, so that a run reuses the
   * arrays of the runs before it (a training step allocates nothing in the steady state).
   */
  private final Deque<BufferPool> idlePools = new ConcurrentLinkedDeque<>();
  /** The kernel of each node, chosen once. */
  private final NodeKernel[] kernels;

  /** Prepares to run {@code graph}: works out which nodes matter and when each value dies. */
  public Executor(Graph graph) {
    this.graph = graph;
    int n = graph.nodes().size();
    this.liveness = Liveness.of(graph);
    this.kernels = new NodeKernel[n];
    for (Node node : graph.nodes()) {
      kernels[node.id()] = node.op().accept(new KernelChoice(node));
    }
  }

  /** The graph this executor runs. */
  public Graph graph() {
    return graph;
  }

  /**
   * Runs the graph once.
   *
   * @param feeds a tensor for every {@link Op.Input} and {@link Op.Parameter}, by name; each must have
   *     its declared dtype and a shape that matches the declared one, whose symbols (such as the batch
   *     size {@code N}) take their values from the feeds. Feeds are read, never modified.
   * @param randomKey the key of this run's random draws: element {@code i} of a random node with
   *     salt {@code s} is a function of {@code (randomKey, s, i)} alone ({@link CounterRandom}), so
   *     the same key and feeds give the same outputs, whatever else the graph draws
   * @return every named output of the graph, in declaration order
   * @throws ExecutionError if a feed is missing or does not match, or a kernel fails (the message
   *     names the source span of the node at fault)
   */
  @Override
  public Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey) {
    return run(feeds, randomKey, null);
  }

  /**
   * {@link #run(Map, long)}, adding the time of every kernel to {@code profile} (a
   * profile of this executor's graph, or null for none).
   */
  public Map<String, Tensor> run(Map<String, Tensor> feeds, long randomKey, Profile profile) {
    return execute(feeds, randomKey, profile, false).outputs();
  }

  /**
   * Runs the graph as {@link #run(Map, long)} does, checking every node's value as it is computed,
   * and stops at the first, in execution order, with a NaN or infinite element: the node where a
   * numerical fault appears (the diagnosis of a training step whose loss or update was not
   * finite). Slower than {@code run}: a pass over every value.
   *
   * @return that node, or null when every value is finite
   */
  public Node firstNonFinite(Map<String, Tensor> feeds, long randomKey) {
    return execute(feeds, randomKey, null, true).nonFinite();
  }

  /** The outputs of a run, or the node a checked run stopped at. */
  private record Outcome(Map<String, Tensor> outputs, Node nonFinite) {}

  private Outcome execute(Map<String, Tensor> feeds, long randomKey, Profile profile, boolean checkFinite) {
    Map<String, Long> bindings = DimBindings.bind(graph, feeds);
    BufferPool pool = borrowPool();
    Tensor[] values = new Tensor[graph.nodes().size()];
    Run run = new Run(values, new Tensor[values.length][], feeds, bindings, randomKey, pool);
    // How many live values share each pooled array (reshape, identity casts and skipped transposes share).
    Map<float[], Integer> sharers = new IdentityHashMap<>();
    for (Node node : graph.nodes()) {
      if (!liveness.isLive(node.id())) {
        continue;
      }
      Tensor value;
      long start = profile == null ? 0 : System.nanoTime();
      try {
        value = kernels[node.id()].run(run);
      } catch (ExecutionError e) {
        throw new ExecutionError(e.detail() + " (in %" + node.id() + " = " + node.op().text() + ")", node.span());
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new ExecutionError(e.getMessage() + " (in %" + node.id() + " = " + node.op().text() + ")", node.span());
      }
      if (profile != null) {
        profile.record(node.id(), System.nanoTime() - start);
      }
      if (checkFinite && value.firstNonFinite() >= 0) {
        return new Outcome(null, node); // the pool is dropped: this run's buffers are not accounted for
      }
      values[node.id()] = value;
      if (value.dtype() != DType.I64 && pool.owns(value.floats())) {
        sharers.merge(value.floats(), 1, Integer::sum);
      }
      for (int dead : liveness.dyingAfter(node.id())) {
        release(dead, values, sharers, pool);
      }
    }
    if (profile != null) {
      profile.countRun();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    graph.outputs().forEach((name, id) -> out.put(name, values[id]));
    for (Tensor t : out.values()) {
      if (t.dtype() != DType.I64) {
        pool.disown(t.floats()); // the caller's now; it may hand it back with recycle()
      }
    }
    idlePools.push(pool);
    return new Outcome(out, null);
  }

  /**
   * Hands back a tensor that this executor returned from an earlier run and that nothing will read
   * again (such as the parameter values a training step has replaced): a later run may write its
   * results into the tensor's array. Other tensors must not be passed.
   */
  @Override
  public void recycle(Tensor dead) {
    if (dead.dtype() == DType.I64) {
      return;
    }
    BufferPool pool = borrowPool();
    pool.adopt(dead.floats());
    idlePools.push(pool);
  }

  /** An idle pool of an earlier run, or a new one when every pool is in use; push it back when done. */
  private BufferPool borrowPool() {
    BufferPool idle = idlePools.poll();
    return idle != null ? idle : new BufferPool();
  }

  private static void release(int id, Tensor[] values, Map<float[], Integer> sharers, BufferPool pool) {
    Tensor v = values[id];
    values[id] = null;
    if (v == null || v.dtype() == DType.I64) {
      return;
    }
    Integer left = sharers.computeIfPresent(v.floats(), (k, c) -> c - 1);
    if (left != null && left == 0) {
      sharers.remove(v.floats());
      pool.give(v.floats());
    }
  }

  /** The state of one run that kernels read: operand values, feeds, symbol values, random key and buffers. */
  private record Run(Tensor[] values, Tensor[][] results, Map<String, Tensor> feeds, Map<String, Long> bindings,
      long randomKey, BufferPool pool) {}

  /** How one node's value is computed in a run, chosen once per node when the executor is built. */
  @FunctionalInterface
  private interface NodeKernel {
    Tensor run(Run run);
  }

  /**
   * Picks the kernel of each op. A visitor, so an op without a kernel is a compile error here, not
   * a run-time surprise.
   */
  private final class KernelChoice implements OpVisitor<NodeKernel> {
    private final Node node;

    KernelChoice(Node node) {
      this.node = node;
    }

    private int in(int i) {
      return node.input(i);
    }

    private int[] shape(Shape s, Run r) {
      return s.evaluate(r.bindings());
    }

    public NodeKernel input(Op.Input op) {
      return r -> r.feeds().get(op.name());
    }

    public NodeKernel parameter(Op.Parameter op) {
      return r -> r.feeds().get(op.name());
    }

    public NodeKernel constant(Op.Constant op) {
      Tensor value = Tensor.of(op.value());
      return r -> value;
    }

    public NodeKernel fill(Op.Fill op) {
      return r -> CreationKernels.fill(op.value(), op.type().dtype(), shape(op.type().shape(), r), r.pool());
    }

    public NodeKernel arange(Op.Arange op) {
      return r -> CreationKernels.arange(op.start(), op.step(), Math.toIntExact(op.length().evaluate(r.bindings())),
          op.dtype(), r.pool());
    }

    public NodeKernel unary(Op.Unary op) {
      return r -> ElementwiseKernels.unary(op.fn(), r.values()[in(0)], r.pool());
    }

    public NodeKernel binary(Op.Binary op) {
      return r -> ElementwiseKernels.binary(op.fn(), r.values()[in(0)], r.values()[in(1)], r.pool());
    }

    public NodeKernel where(Op.Where op) {
      return r -> ElementwiseKernels.where(r.values()[in(0)], r.values()[in(1)], r.values()[in(2)], r.pool());
    }

    public NodeKernel cast(Op.Cast op) {
      return r -> ElementwiseKernels.cast(r.values()[in(0)], op.to(), r.pool());
    }

    public NodeKernel stopGradient(Op.StopGradient op) {
      return r -> r.values()[in(0)];
    }

    public NodeKernel reshape(Op.Reshape op) {
      return r -> Executor.reshape(r.values()[in(0)], op.target(), r.bindings());
    }

    public NodeKernel permute(Op.Permute op) {
      return r -> MovementKernels.permute(r.values()[in(0)], op.order(), r.pool());
    }

    public NodeKernel expand(Op.Expand op) {
      return r -> MovementKernels.expand(r.values()[in(0)], shape(op.target(), r), r.pool());
    }

    public NodeKernel slice(Op.Slice op) {
      return r -> MovementKernels.slice(r.values()[in(0)], op.axis(), op.start(), op.end(), op.step(), r.pool());
    }

    public NodeKernel concat(Op.Concat op) {
      return r -> {
        List<Tensor> parts = new ArrayList<>(node.inputs().size());
        for (int id : node.inputs()) {
          parts.add(r.values()[id]);
        }
        return MovementKernels.concat(parts, op.axis(), r.pool());
      };
    }

    public NodeKernel pad(Op.Pad op) {
      int[] before = ints(op.before());
      int[] after = ints(op.after());
      return r -> PadKernels.pad(r.values()[in(0)], before, after, op.mode(), (float) op.value(), r.pool());
    }

    public NodeKernel padTranspose(Op.PadTranspose op) {
      int[] before = ints(op.before());
      int[] after = ints(op.after());
      return r -> PadKernels.padTranspose(r.values()[in(0)], before, after, op.mode(), r.pool());
    }

    public NodeKernel flip(Op.Flip op) {
      return r -> MovementKernels.flip(r.values()[in(0)], op.axes(), r.pool());
    }

    public NodeKernel reduce(Op.Reduce op) {
      return r -> ReduceKernels.reduce(op.fn(), r.values()[in(0)], op.axes(), op.keepDims(), r.pool());
    }

    public NodeKernel argMax(Op.ArgMax op) {
      return r -> ReduceKernels.argMax(r.values()[in(0)], op.axis());
    }

    public NodeKernel window(Op.Window op) {
      WindowGeometry g = op.geometry();
      boolean max = switch (op.fn()) {
        case MAX -> true;
        case SUM -> false;
      };
      return r -> WindowKernels.reduce(max, r.values()[in(0)], ints(g.kernel()), ints(g.stride()), ints(g.dilation()),
          r.pool());
    }

    public NodeKernel windowSumTranspose(Op.WindowSumTranspose op) {
      WindowGeometry g = op.geometry();
      return r -> WindowKernels.sumTranspose(r.values()[in(0)], dims(op.inputSpatial(), r), ints(g.kernel()),
          ints(g.stride()), ints(g.dilation()), r.pool());
    }

    public NodeKernel matMul(Op.MatMul op) {
      return r -> MatMulKernel.matmul(r.values()[in(0)], op.transposeA(), r.values()[in(1)], op.transposeB(), r.pool());
    }

    public NodeKernel conv(Op.Conv op) {
      ConvGeometry g = op.geometry();
      return r -> ConvKernels.conv(r.values()[in(0)], r.values()[in(1)], ints(g.stride()), ints(g.padBefore()),
          ints(g.padAfter()), ints(g.dilation()), g.groups(), r.pool());
    }

    public NodeKernel convTranspose(Op.ConvTranspose op) {
      ConvGeometry g = op.geometry();
      return r -> ConvKernels.convTranspose(r.values()[in(0)], r.values()[in(1)], dims(op.inputSpatial(), r),
          ints(g.stride()), ints(g.padBefore()), ints(g.padAfter()), ints(g.dilation()), g.groups(), r.pool());
    }

    public NodeKernel convFilterGrad(Op.ConvFilterGrad op) {
      ConvGeometry g = op.geometry();
      return r -> ConvKernels.convFilterGrad(r.values()[in(0)], r.values()[in(1)], ints(op.kernel()),
          ints(g.stride()), ints(g.padBefore()), ints(g.padAfter()), ints(g.dilation()), g.groups(), r.pool());
    }

    public NodeKernel oneHot(Op.OneHot op) {
      return r -> IndexKernels.oneHot(r.values()[in(0)], op.classes(), r.pool());
    }

    public NodeKernel gather(Op.Gather op) {
      return r -> IndexKernels.gather(r.values()[in(0)], r.values()[in(1)], r.pool());
    }

    public NodeKernel scatterAdd(Op.ScatterAdd op) {
      return r -> IndexKernels.scatterAdd(r.values()[in(0)], r.values()[in(1)],
          Math.toIntExact(op.rows().evaluate(r.bindings())), r.pool());
    }

    public NodeKernel windowMaxGrad(Op.WindowMaxGrad op) {
      WindowGeometry g = op.geometry();
      return r -> WindowKernels.maxTranspose(r.values()[in(0)], r.values()[in(1)], ints(g.kernel()), ints(g.stride()),
          ints(g.dilation()), r.pool());
    }

    public NodeKernel randomUniform(Op.RandomUniform op) {
      return r -> RandomKernels.uniform(shape(op.type().shape(), r), r.randomKey(), op.salt(), r.pool());
    }

    public NodeKernel randomNormal(Op.RandomNormal op) {
      return r -> RandomKernels.normal(shape(op.type().shape(), r), r.randomKey(), op.salt(), r.pool());
    }

    public NodeKernel randomPermutation(Op.RandomPermutation op) {
      return r -> RandomKernels.permutation(Math.toIntExact(op.n().evaluate(r.bindings())), r.randomKey(), op.salt());
    }

    public NodeKernel categorical(Op.Categorical op) {
      return r -> RandomKernels.categorical(r.values()[in(0)], r.randomKey(), op.salt());
    }

    public NodeKernel scan(Op.Scan op) {
      ScanLoop loop = new ScanLoop(op.carries(), op.sequences(), op.consts(), op.outputs(), op.reverse(),
          new Executor(op.body()), usedResults(node.id()));
      return r -> {
        List<Tensor> operands = new ArrayList<>(node.inputs().size());
        for (int id : node.inputs()) {
          operands.add(r.values()[id]);
        }
        int steps = Math.toIntExact(op.length().evaluate(r.bindings()));
        r.results()[node.id()] = loop.run(operands, steps, r.randomKey(), r.pool());
        return NO_VALUE;
      };
    }

    public NodeKernel scanResult(Op.ScanResult op) {
      return r -> r.results()[in(0)][op.index()];
    }
  }

  /** The value of a node whose results are read through other nodes (a scan). */
  private static final Tensor NO_VALUE = Tensor.of(new float[0], 0);

  /** Which results of multi-result node {@code id} some live node reads. */
  private boolean[] usedResults(int id) {
    Op.Scan scan = (Op.Scan) graph.node(id).op();
    boolean[] used = new boolean[scan.carries() * 2 + scan.outputs()];
    for (Node n : graph.nodes()) {
      if (liveness.isLive(n.id()) && n.op() instanceof Op.ScanResult r && n.input(0) == id) {
        used[r.index()] = true;
      }
    }
    return used;
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] dims(List<Dim> dims, Run r) {
    int[] out = new int[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.toIntExact(dims.get(i).evaluate(r.bindings()));
    }
    return out;
  }

  private static Tensor reshape(Tensor x, Shape target, Map<String, Long> bindings) {
    int[] shape = target.evaluate(bindings);
    if (Tensor.numel(shape) != x.size()) {
      throw new ExecutionError("cannot reshape " + java.util.Arrays.toString(x.shape()) + " (" + x.size()
          + " elements) to " + target + " = " + java.util.Arrays.toString(shape));
    }
    return x.reshape(shape);
  }
}
