package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.runtime.Tensor;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.random.RandomGenerator;

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
 * Map<String, Tensor> out = exec.run(Map.of("x", batch, "w", weights), new SplittableRandom(42));
 * }</pre>
 */
public final class Executor {
  /** {@link #lastUse} of a graph output: it is never freed. */
  private static final int KEEP = Integer.MAX_VALUE;

  private final Graph graph;
  /** For each node, the id of the last node that reads it (-1 if none), or {@link #KEEP}. */
  private final int[] lastUse;
  /**
   * Permute nodes that swap the last two axes and are read only by matmuls: they are not copied;
   * the matmul reads their operand as transposed instead (the {@code x @ w^T} of every Linear layer).
   */
  private final boolean[] transposedView;
  /**
   * Matmuls whose only reader transposes their result (the {@code (x^T dy)^T} of a weight
   * gradient): they compute {@code op(b)^T op(a)^T} directly, and the transpose passes it on.
   */
  private final boolean[] transposedResult;
  /**
   * Nodes that contribute to an output (or draw random numbers, so that the stream every other
   * random op sees does not depend on what is read). The others, such as the gradient of the
   * input batch that a training step never uses, are not run.
   */
  private final boolean[] live;
  /**
   * Buffer pools of finished runs, each borrowed by one run at a time, so that a run reuses the
   * arrays of the runs before it (a training step allocates nothing in the steady state).
   */
  private final Deque<BufferPool> idlePools = new ConcurrentLinkedDeque<>();
  /** The value of each constant node, made once (kernels never write into their inputs). */
  private final Tensor[] constants;

  /** Prepares to run {@code graph}: works out which nodes matter, when each value dies and which transposes to skip. */
  public Executor(Graph graph) {
    this.graph = graph;
    int n = graph.nodes().size();
    this.live = new boolean[n];
    for (int id : graph.outputs().values()) {
      live[id] = true;
    }
    for (Node node : graph.nodes()) {
      live[node.id()] |= node.op() instanceof Op.RandomUniform || node.op() instanceof Op.RandomNormal;
    }
    for (int id = n - 1; id >= 0; id--) {
      if (live[id]) {
        for (int in : graph.node(id).inputs()) {
          live[in] = true;
        }
      }
    }
    this.constants = new Tensor[n];
    for (Node node : graph.nodes()) {
      if (node.op() instanceof Op.Constant c) {
        constants[node.id()] = Tensor.of(c.value());
      }
    }
    this.lastUse = new int[n];
    java.util.Arrays.fill(lastUse, -1);
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(new ArrayList<>());
    }
    for (Node node : graph.nodes()) {
      if (!live[node.id()]) {
        continue;
      }
      for (int in : node.inputs()) {
        lastUse[in] = Math.max(lastUse[in], node.id());
        users.get(in).add(node.id());
      }
    }
    for (int id : graph.outputs().values()) {
      lastUse[id] = KEEP;
    }
    this.transposedView = new boolean[n];
    for (Node node : graph.nodes()) {
      transposedView[node.id()] = lastUse[node.id()] != KEEP && swapsLastTwoAxes(node)
          && !users.get(node.id()).isEmpty()
          && users.get(node.id()).stream().allMatch(u -> graph.node(u).op() instanceof Op.MatMul);
    }
    this.transposedResult = new boolean[n];
    for (Node node : graph.nodes()) {
      if (live[node.id()] && swapsLastTwoAxes(node) && !transposedView[node.id()]) {
        int m = node.input(0);
        transposedResult[m] = graph.node(m).op() instanceof Op.MatMul && lastUse[m] != KEEP
            && users.get(m).size() == 1;
      }
    }
  }

  private static boolean swapsLastTwoAxes(Node node) {
    if (!(node.op() instanceof Op.Permute p)) {
      return false;
    }
    List<Integer> order = p.order();
    int r = order.size();
    if (r < 2 || order.get(r - 2) != r - 1 || order.get(r - 1) != r - 2) {
      return false;
    }
    for (int i = 0; i < r - 2; i++) {
      if (order.get(i) != i) {
        return false;
      }
    }
    return true;
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
   * @param rng the stream random ops draw from, in node order; a seeded generator makes runs reproducible
   * @return every named output of the graph, in declaration order
   * @throws ExecutionError if a feed is missing or does not match, or a kernel fails (the message
   *     names the source span of the node at fault)
   */
  public Map<String, Tensor> run(Map<String, Tensor> feeds, RandomGenerator rng) {
    return run(feeds, rng, null);
  }

  /**
   * {@link #run(Map, RandomGenerator)}, adding the time of every kernel to {@code profile} (a
   * profile of this executor's graph, or null for none).
   */
  public Map<String, Tensor> run(Map<String, Tensor> feeds, RandomGenerator rng, Profile profile) {
    Map<String, Long> bindings = DimBindings.bind(graph, feeds);
    BufferPool pool = borrowPool();
    Tensor[] values = new Tensor[graph.nodes().size()];
    // How many live values share each pooled array (reshape, identity casts and skipped transposes share).
    Map<float[], Integer> sharers = new IdentityHashMap<>();
    for (Node node : graph.nodes()) {
      if (!live[node.id()]) {
        continue;
      }
      Tensor value;
      long start = profile == null ? 0 : System.nanoTime();
      try {
        value = evaluate(node, values, feeds, bindings, rng, pool);
      } catch (ExecutionError e) {
        throw new ExecutionError(e.detail() + " (in %" + node.id() + " = " + node.op().text() + ")", node.span());
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new ExecutionError(e.getMessage() + " (in %" + node.id() + " = " + node.op().text() + ")", node.span());
      }
      if (profile != null) {
        profile.record(node.id(), System.nanoTime() - start);
      }
      values[node.id()] = value;
      if (value.dtype() != DType.I64 && pool.owns(value.floats())) {
        sharers.merge(value.floats(), 1, Integer::sum);
      }
      for (int in : node.inputs()) {
        if (lastUse[in] == node.id()) {
          release(in, values, sharers, pool);
        }
      }
      if (lastUse[node.id()] < 0) {
        release(node.id(), values, sharers, pool); // computed but never read
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
    return out;
  }

  /**
   * Hands back a tensor that this executor returned from an earlier run and that nothing will read
   * again (such as the parameter values a training step has replaced): a later run may write its
   * results into the tensor's array. Other tensors must not be passed.
   */
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

  private Tensor evaluate(Node node, Tensor[] values, Map<String, Tensor> feeds, Map<String, Long> bindings,
      RandomGenerator rng, BufferPool pool) {
    Op op = node.op();
    List<Tensor> in = new ArrayList<>(node.inputs().size());
    for (int id : node.inputs()) {
      in.add(values[id]);
    }
    if (op instanceof Op.Input o) {
      return feeds.get(o.name());
    } else if (op instanceof Op.Parameter o) {
      return feeds.get(o.name());
    } else if (op instanceof Op.Constant o) {
      return constants[node.id()];
    } else if (op instanceof Op.Fill o) {
      return CreationKernels.fill(o.value(), o.type().dtype(), o.type().shape().evaluate(bindings), pool);
    } else if (op instanceof Op.RandomUniform o) {
      requireF32("random_uniform", o.type().dtype());
      return CreationKernels.randomUniform(o.type().shape().evaluate(bindings), rng, pool);
    } else if (op instanceof Op.RandomNormal o) {
      requireF32("random_normal", o.type().dtype());
      return CreationKernels.randomNormal(o.type().shape().evaluate(bindings), rng, pool);
    } else if (op instanceof Op.Unary o) {
      return ElementwiseKernels.unary(o.fn(), in.get(0), pool);
    } else if (op instanceof Op.Binary o) {
      return ElementwiseKernels.binary(o.fn(), in.get(0), in.get(1), pool);
    } else if (op instanceof Op.Where) {
      return ElementwiseKernels.where(in.get(0), in.get(1), in.get(2), pool);
    } else if (op instanceof Op.Cast o) {
      return ElementwiseKernels.cast(in.get(0), o.to(), pool);
    } else if (op instanceof Op.StopGradient) {
      return in.get(0);
    } else if (op instanceof Op.Reduce o) {
      return ReduceKernels.reduce(o.fn(), in.get(0), o.axes(), o.keepDims(), pool);
    } else if (op instanceof Op.ArgMax o) {
      return ReduceKernels.argMax(in.get(0), o.axis());
    } else if (op instanceof Op.MatMul) {
      int a = node.input(0);
      int b = node.input(1);
      if (transposedResult[node.id()]) { // (op(a) op(b))^T = op(b)^T op(a)^T
        return MatMulKernel.matmul(values[b], !transposedView[b], values[a], !transposedView[a], pool);
      }
      return MatMulKernel.matmul(values[a], transposedView[a], values[b], transposedView[b], pool);
    } else if (op instanceof Op.Reshape o) {
      return reshape(in.get(0), o.target(), bindings);
    } else if (op instanceof Op.Permute o) {
      // A transpose only matmuls read stays its operand, unmoved; MatMul reads it transposed.
      // A transpose of a matmul that computed its result transposed passes it on.
      return transposedView[node.id()] || transposedResult[node.input(0)] ? in.get(0)
          : MovementKernels.permute(in.get(0), o.order(), pool);
    } else if (op instanceof Op.Expand o) {
      return MovementKernels.expand(in.get(0), o.target().evaluate(bindings), pool);
    } else if (op instanceof Op.Slice o) {
      return MovementKernels.slice(in.get(0), o.axis(), o.start(), o.end(), o.step(), pool);
    } else if (op instanceof Op.Concat o) {
      return MovementKernels.concat(in, o.axis(), pool);
    } else if (op instanceof Op.OneHot o) {
      return IndexKernels.oneHot(in.get(0), o.classes(), pool);
    } else if (op instanceof Op.Gather) {
      return IndexKernels.gather(in.get(0), in.get(1), pool);
    } else if (op instanceof Op.ScatterAdd o) {
      return IndexKernels.scatterAdd(in.get(0), in.get(1), Math.toIntExact(o.rows().evaluate(bindings)), pool);
    }
    throw new IllegalStateException("the executor has no kernel for " + op.text());
  }

  private static Tensor reshape(Tensor x, Shape target, Map<String, Long> bindings) {
    int[] shape = target.evaluate(bindings);
    if (Tensor.numel(shape) != x.size()) {
      throw new ExecutionError("cannot reshape " + java.util.Arrays.toString(x.shape()) + " (" + x.size()
          + " elements) to " + target + " = " + java.util.Arrays.toString(shape));
    }
    return x.reshape(shape);
  }

  private static void requireF32(String what, DType dtype) {
    if (dtype != DType.F32) {
      throw new ExecutionError("`" + what + "` makes f32 samples, not " + dtype);
    }
  }
}
