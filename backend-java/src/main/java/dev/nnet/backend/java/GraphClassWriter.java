package dev.nnet.backend.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nnet.ir.ConstantData;
import dev.nnet.ir.DType;
import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.Signature;
import dev.nnet.ir.SourceSpan;
import dev.nnet.opt.FusionGroups;
import dev.nnet.opt.FusionPlan;
import dev.nnet.opt.MemoryPlan;
import dev.nnet.opt.SlotStorage;
import dev.nnet.runtime.Tensor;
import dev.nnet.runtime.backend.CompiledGraph;
import dev.nnet.runtime.exec.BufferPool;
import dev.nnet.runtime.exec.ExecutionError;
import dev.nnet.runtime.exec.PackedConstants;
import dev.nnet.runtime.exec.Parallel;
import dev.nnet.runtime.exec.Workspace;
import dev.nnet.runtime.interpreter.ScanLoop;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Writes one graph as a Java class that implements {@link CompiledGraph} and depends on the
 * runtime jar alone. The class computes what the reference executor computes, with the same
 * kernels for everything but elementwise ops:
 *
 * <ul>
 *   <li>Each {@link FusionGroups} group of elementwise ops is one loop over its output shape, with
 *       the scalar semantics of {@link ScalarExpression}; only values read outside the loop are
 *       stored (a reduction group stores what its reduction reads, then calls the reduction
 *       kernel, which sums in the reference's order).
 *   <li>Every other op is a call of the runtime kernel the executor picks for it
 *       ({@link KernelCall}); transposes feeding a matmul are its flags, not copies.
 *   <li>Memory is planned statically ({@link MemoryPlan} over the run's own schedule of steps):
 *       every computed f32 or bool value has a slot, one {@code float[]} per slot in the run's
 *       {@link Workspace}, which a later run with the same dims reuses, so a training step
 *       allocates nothing in the steady state. Kernels write into the slot through the
 *       workspace's allocator; views (reshapes, stop-gradients, casts that share) share their
 *       operand's slot. Outside the plan: i64 values (small index tensors, {@code long[]}), graph
 *       outputs (fresh arrays from the run's pool, handed to the caller) and scan results.
 *   <li>Feeds are checked with the executor's messages ({@link FeedBinding}); symbols such as
 *       {@code N} become {@code int} locals bound from the first input dim that is one (or solved
 *       from a dim such as {@code 2*N}).
 * </ul>
 *
 * Every statement carries its node's {@code .nnet} location in a comment, and an error in a
 * kernel is reported at that location.
 */
final class GraphClassWriter {
  /** Statements per private method: a method's bytecode must stay under 64 KB. */
  private static final int STEPS_PER_PART = 40;
  /** Elements per loop chunk below which a fused loop runs on one thread (the kernels' grain). */
  private static final int GRAIN = 1 << 15;
  /** Constants with more elements than this are packed as Base64 text instead of an array initializer. */
  private static final int INLINE_CONSTANT = 64;

  private static final ClassName TENSOR = ClassName.get(Tensor.class);
  private static final ClassName POOL = ClassName.get(BufferPool.class);
  private static final ClassName WORKSPACE = ClassName.get(Workspace.class);

  /**
   * What the generated code keeps in slots: f32 and bool values, both {@code float[]} (a bool is
   * one float, 0 or 1, as {@code Tensor.ofBool} stores it). i64 values stay outside: they are
   * small index tensors (labels, argmax, permutations) whose kernels allocate {@code long[]} themselves.
   */
  static final SlotStorage FLOAT_ARRAYS = dtype -> switch (dtype) {
    case F32, BOOL -> Optional.of(new SlotStorage.Element("float", Float.BYTES));
    case I64 -> Optional.empty();
  };

  /**
   * Whether every planned value is checked to be in its slot after its step
   * ({@code -Dnnet.java.checkSlots=true}, set by the module's tests).
   */
  private static boolean checkSlots() {
    return Boolean.getBoolean("nnet.java.checkSlots");
  }

  private final Graph graph;
  private final boolean[] live;
  private final List<List<Integer>> users;
  private final Set<Integer> outputs;
  /** Each symbol's Java variable, in the order the feeds bind them. */
  private final Map<String, String> dimVariables = new LinkedHashMap<>();
  private final DimExpression dims = new DimExpression(dimVariables);
  /** The simple name of the class being written (nested scan bodies are named after it). */
  private String className;

  GraphClassWriter(Graph graph) {
    this.graph = graph;
    int n = graph.nodes().size();
    this.live = new boolean[n];
    this.outputs = new HashSet<>(graph.outputs().values());
    for (int id : outputs) {
      live[id] = true;
    }
    for (int id = n - 1; id >= 0; id--) {
      if (live[id]) {
        for (int in : graph.node(id).inputs()) {
          live[in] = true;
        }
      }
    }
    this.users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(new ArrayList<>());
    }
    for (Node node : graph.nodes()) {
      if (live[node.id()]) {
        for (int in : node.inputs()) {
          users.get(in).add(node.id());
        }
      }
    }
  }

  /**
   * One statement (or block) of the generated run: what it reads and defines from {@code v}, which
   * of the values it defines share an operand's array, and its code given the memory plan (which
   * is made from the steps).
   */
  private record Step(int node, Function<MemoryPlan, CodeBlock> code, Set<Integer> reads, List<Integer> defines,
      Map<Integer, Integer> aliases) {}

  /**
   * The Java source of the class {@code packageName.className}.
   *
   * @param javadoc the class comment (what the graph is)
   * @throws JavaBackendError if the graph has an op this backend does not compile
   */
  JavaFile write(String packageName, String className, String javadoc) {
    TypeSpec type = type(className, javadoc, false);
    return JavaFile.builder(packageName, type).skipJavaLangImports(true).indent("  ").build();
  }

  /**
   * The class itself: a top-level {@link CompiledGraph}, or (for a scan's body) a nested
   * {@link ScanLoop.Body} with a constructor that takes nothing.
   */
  private TypeSpec type(String className, String javadoc, boolean scanBody) {
    this.className = className;
    TypeSpec.Builder type = TypeSpec.classBuilder(className)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(javadoc);
    if (scanBody) {
      type.addModifiers(Modifier.STATIC).addSuperinterface(ScanLoop.Body.class);
    } else {
      type.addSuperinterface(CompiledGraph.class);
    }
    MethodSpec.Builder run = MethodSpec.methodBuilder("run")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(Map.class, String.class, Tensor.class))
        .addParameter(ParameterizedTypeName.get(Map.class, String.class, Tensor.class), "feeds")
        .addParameter(long.class, "randomKey");
    run.addStatement("$T ws = borrowWorkspace()", WORKSPACE);
    run.addStatement("$T[] v = new $T[$L]", TENSOR, TENSOR, graph.nodes().size());
    run.addStatement("int[] at = {-1}");
    run.beginControlFlow("try");
    new FeedBinding(graph, dimVariables, dims).write(run);
    List<Step> steps = steps(type);
    MemoryPlan plan = memoryPlan(steps);
    slots(run, plan, steps);
    List<MethodSpec> parts = parts(render(steps, plan));
    String dimArgs = dimVariables.values().stream().map(d -> ", " + d).reduce("", String::concat);
    for (MethodSpec part : parts) {
      run.addStatement("$N(v, ws, slots, randomKey, at$L)", part, dimArgs);
    }
    run.nextControlFlow("catch ($T e)", ExecutionError.class);
    run.addStatement("throw e.span().isKnown() || at[0] < 0 ? e : new $T(e.detail(), span(at[0]))",
        ExecutionError.class);
    run.nextControlFlow("catch ($T | $T e)", IllegalArgumentException.class, ArithmeticException.class);
    run.addStatement("throw new $T(e.getMessage(), at[0] < 0 ? $T.NONE : span(at[0]))", ExecutionError.class,
        SourceSpan.class);
    run.endControlFlow();
    run.addStatement("$T<String, $T> out = new $T<>()", Map.class, TENSOR, LinkedHashMap.class);
    for (Map.Entry<String, Integer> e : graph.outputs().entrySet()) {
      run.addStatement("out.put($S, v[$L])", e.getKey(), e.getValue());
    }
    run.beginControlFlow("for ($T t : out.values())", TENSOR);
    run.beginControlFlow("if (t.dtype() != $T.I64)", DType.class);
    run.addCode("// the caller's now; it may hand it back with recycle()\n");
    run.addStatement("ws.pool().disown(t.floats())");
    run.endControlFlow();
    run.endControlFlow();
    run.addStatement("idleWorkspaces.push(ws)");
    run.addStatement("return out");

    if (!scanBody) {
      type.addField(FieldSpec.builder(Signature.class, "signature", Modifier.PRIVATE, Modifier.FINAL).build());
      type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
          .addJavadoc("A graph ready to run, with the interface it was compiled with.\n")
          .addParameter(Signature.class, "signature")
          .addStatement("this.signature = signature").build());
      type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
          .addJavadoc("A graph ready to run, fed by name without a signature ({@link #signature()} is null).\n")
          .addStatement("this(null)").build());
      type.addMethod(MethodSpec.methodBuilder("signature").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .returns(Signature.class).addStatement("return signature").build());
    }
    type.addField(FieldSpec.builder(ParameterizedTypeName.get(Deque.class, Workspace.class), "idleWorkspaces",
            Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("Workspaces (slots and pool) of finished runs; each run borrows one, so runs on several threads never share one.\n")
        .initializer("new $T<>()", ConcurrentLinkedDeque.class).build());
    type.addMethod(run.build());
    type.addMethod(MethodSpec.methodBuilder("recycle").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(Tensor.class, "replaced")
        .beginControlFlow("if (replaced.dtype() != $T.I64)", DType.class)
        .addStatement("$T ws = borrowWorkspace()", WORKSPACE)
        .addStatement("ws.pool().adopt(replaced.floats())")
        .addStatement("idleWorkspaces.push(ws)")
        .endControlFlow().build());
    type.addMethod(MethodSpec.methodBuilder("borrowWorkspace").addModifiers(Modifier.PRIVATE).returns(Workspace.class)
        .addStatement("$T idle = idleWorkspaces.poll()", WORKSPACE)
        .addStatement("return idle != null ? idle : new $T()", WORKSPACE).build());
    parts.forEach(type::addMethod);
    spanTable(type);
    return type.build();
  }

  // ---- steps ------------------------------------------------------------------------------------

  /** The statements of the run after the feeds, in a valid order: leaves, then each fusion group. */
  private List<Step> steps(TypeSpec.Builder type) {
    FusionPlan plan = FusionGroups.plan(graph);
    List<Step> body = new ArrayList<>();
    for (FusionPlan.Group g : schedule(plan)) {
      List<Integer> nodes = g.nodes().stream().filter(id -> live[id]).toList();
      if (nodes.isEmpty()) {
        continue;
      }
      switch (g.kind()) {
        case ELEMENTWISE, REDUCTION -> elementwiseGroup(g, nodes, body);
        case MOVEMENT, WINDOW, CONTRACTION, INDEXING, RANDOM -> nodes.forEach(id -> body.add(kernelStep(id)));
        case CONTROL -> {
          for (int id : nodes) {
            if (graph.node(id).op() instanceof Op.Scan scan) {
              body.add(scanStep(graph.node(id), scan, type));
            } // a scan_result is defined by its scan's step
          }
        }
      }
    }
    Set<Integer> read = new HashSet<>(outputs);
    body.forEach(s -> read.addAll(s.reads()));
    List<Step> steps = new ArrayList<>();
    for (Node node : graph.nodes()) {
      if (!read.contains(node.id())) {
        continue;
      }
      if (node.op() instanceof Op.Constant c) {
        String field = "C" + node.id();
        type.addField(constantField(field, c.value(), node));
        CodeBlock code = CodeBlock.of("v[$L] = $L; // $L\n", node.id(), field, where(node).trim());
        steps.add(new Step(node.id(), memory -> code, Set.of(), List.of(node.id()), Map.of()));
      } else if (node.op() instanceof Op.Fill || node.op() instanceof Op.Arange) {
        steps.add(kernelStep(node.id()));
      }
    }
    steps.addAll(body);
    return steps;
  }

  /**
   * The groups in an order that computes every value before it is read: the plan lists them by
   * first node, but a group can read a value of a group whose first node comes later (a loop
   * that starts at %9 and reads %13 at its %14), so the groups are sorted topologically, earliest
   * first node first among those ready.
   */
  private static List<FusionPlan.Group> schedule(FusionPlan plan) {
    Map<Integer, FusionPlan.Group> groupOf = new HashMap<>();
    plan.groups().forEach(g -> g.nodes().forEach(id -> groupOf.put(id, g)));
    Map<FusionPlan.Group, Set<FusionPlan.Group>> waitsFor = new LinkedHashMap<>();
    for (FusionPlan.Group g : plan.groups()) {
      Set<FusionPlan.Group> deps = new HashSet<>();
      for (int id : g.nodes()) {
        for (int in : plan.graph().node(id).inputs()) {
          FusionPlan.Group d = groupOf.get(in);
          if (d != null && d != g) {
            deps.add(d);
          }
        }
      }
      waitsFor.put(g, deps);
    }
    List<FusionPlan.Group> order = new ArrayList<>();
    Set<FusionPlan.Group> done = new HashSet<>();
    java.util.PriorityQueue<FusionPlan.Group> ready =
        new java.util.PriorityQueue<>(java.util.Comparator.comparingInt(FusionPlan.Group::index));
    Map<FusionPlan.Group, List<FusionPlan.Group>> readers = new HashMap<>();
    waitsFor.forEach((g, deps) -> {
      deps.forEach(d -> readers.computeIfAbsent(d, k -> new ArrayList<>()).add(g));
      if (deps.isEmpty()) {
        ready.add(g);
      }
    });
    while (!ready.isEmpty()) {
      FusionPlan.Group g = ready.poll();
      order.add(g);
      done.add(g);
      for (FusionPlan.Group r : readers.getOrDefault(g, List.of())) {
        if (!done.contains(r) && !ready.contains(r) && done.containsAll(waitsFor.get(r))) {
          ready.add(r);
        }
      }
    }
    if (order.size() != plan.groups().size()) {
      throw new IllegalStateException("the fusion groups depend on each other in a cycle");
    }
    return order;
  }

  /**
   * A scan: its body becomes a nested class, run by a {@link ScanLoop} (the executor's loop) kept
   * in a static field; the step stores every result some node reads.
   */
  private Step scanStep(Node node, Op.Scan scan, TypeSpec.Builder type) {
    String bodyName = className + "Scan" + node.id();
    TypeSpec bodyClass = new GraphClassWriter(scan.body()).type(bodyName,
        "The body of the scan at " + (where(node).isEmpty() ? "%" + node.id() : where(node).trim()) + ".\n", true);
    type.addType(bodyClass);
    boolean[] used = new boolean[scan.carries() * 2 + scan.outputs()];
    Map<Integer, Integer> resultNodes = new LinkedHashMap<>();
    for (int u : users.get(node.id())) {
      if (graph.node(u).op() instanceof Op.ScanResult r) {
        used[r.index()] = true;
        resultNodes.put(u, r.index());
      }
    }
    StringBuilder usedText = new StringBuilder();
    for (boolean b : used) {
      usedText.append(usedText.length() == 0 ? "" : ", ").append(b);
    }
    String loop = "SCAN" + node.id();
    type.addField(FieldSpec.builder(ScanLoop.class, loop, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("new $T($L, $L, $L, $L, $L, new $L(), new boolean[] {$L})", ScanLoop.class, scan.carries(),
            scan.sequences(), scan.consts(), scan.outputs(), scan.reverse(), bodyName, usedText)
        .build());
    String operands = node.inputs().stream().map(i -> "v[" + i + "]").collect(java.util.stream.Collectors.joining(", "));
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("at[0] = $L", node.id())
        .add("$T[] r$L = $L.run(java.util.List.of($L), $L, randomKey, pool); // $L%$L = scan\n", TENSOR, node.id(),
            loop, operands, dims.of(scan.length()), where(node), node.id());
    Map<Integer, Integer> aliases = new HashMap<>();
    resultNodes.forEach((id, index) -> {
      code.addStatement("v[$L] = r$L[$L]", id, node.id(), index);
      if (index < scan.carries()) {
        aliases.put(id, node.id()); // a final carry may be an operand's array (no steps): never handed back
      }
    });
    CodeBlock built = code.build();
    return new Step(node.id(), plan -> built, new LinkedHashSet<>(node.inputs()), new ArrayList<>(resultNodes.keySet()),
        aliases);
  }

  /**
   * A node computed by its runtime kernel: into its slot when it has one (the workspace's
   * allocator hands the kernel the slot), from the run's pool otherwise; a view shares its
   * operand's array, slot or not.
   */
  private Step kernelStep(int id) {
    Node node = graph.node(id);
    KernelCall.Call pooled = node.op().accept(new KernelCall(graph, node, dims, "pool"));
    Set<Integer> reads = new LinkedHashSet<>(node.inputs());
    Map<Integer, Integer> aliases = pooled.aliasOf() >= 0 ? Map.of(id, pooled.aliasOf()) : Map.of();
    Function<MemoryPlan, CodeBlock> code = plan -> {
      int k = plan.slotOf().get(id);
      CodeBlock.Builder b = CodeBlock.builder().addStatement("at[0] = $L", id);
      if (k != MemoryPlan.OUTSIDE && pooled.aliasOf() < 0) {
        KernelCall.Call call = node.op().accept(new KernelCall(graph, node, dims, "ws.into(slots[" + k + "])"));
        b.add("v[$L] = ws.placed($L); // $L$L\n", id, call.expression(), where(node), shortText(node));
      } else {
        b.add("v[$L] = $L; // $L$L\n", id, pooled.expression(), where(node), shortText(node));
      }
      return b.add(slotCheck(plan, id)).build();
    };
    return new Step(id, code, reads, List.of(id), aliases);
  }

  /** With {@link #checkSlots()}, the statement that checks that value {@code id} is in its slot. */
  private static CodeBlock slotCheck(MemoryPlan plan, int id) {
    int k = plan.slotOf().get(id);
    return k == MemoryPlan.OUTSIDE || !checkSlots() ? CodeBlock.of("")
        : CodeBlock.of("$T.requireInSlot(v[$L], slots[$L], $L, $L);\n", WORKSPACE, id, k, id, k);
  }

  /**
   * An elementwise group as one loop (its reduction, if any, after it), or its nodes one kernel
   * call each when a loop would only copy (a lone stop-gradient shares its operand's array) or
   * its nodes' shapes differ.
   */
  private void elementwiseGroup(FusionPlan.Group g, List<Integer> nodes, List<Step> out) {
    List<Integer> loop = nodes.stream().filter(id -> graph.node(id).op() instanceof Op.Elementwise).toList();
    List<Integer> rest = nodes.stream().filter(id -> !(graph.node(id).op() instanceof Op.Elementwise)).toList();
    Shape shape = loop.isEmpty() ? null : graph.node(loop.get(0)).type().shape();
    boolean fusable = !loop.isEmpty() && loop.stream().allMatch(id -> graph.node(id).type().shape().equals(shape))
        && !loop.stream().allMatch(id -> graph.node(id).op() instanceof Op.StopGradient);
    if (fusable) {
      out.add(fusedLoop(g, loop, shape));
    } else {
      loop.forEach(id -> out.add(kernelStep(id)));
    }
    rest.forEach(id -> out.add(kernelStep(id)));
  }

  /** One loop over {@code shape} computing every node of {@code loop}, storing those read outside it. */
  private Step fusedLoop(FusionPlan.Group g, List<Integer> loop, Shape shape) {
    BroadcastElement broadcast = new BroadcastElement(dims);
    Set<Integer> inLoop = new HashSet<>(loop);
    List<Integer> stored = loop.stream()
        .filter(id -> outputs.contains(id) || users.get(id).stream().anyMatch(u -> !inLoop.contains(u)))
        .toList();
    CodeBlock.Builder pre = CodeBlock.builder();
    CodeBlock.Builder perRow = CodeBlock.builder();
    CodeBlock.Builder post = CodeBlock.builder();
    Set<Integer> reads = new LinkedHashSet<>();
    // Each operand from outside the loop: how one element of it is read, given the row's first
    // flat index base and the column c.
    Map<Integer, String> element = new HashMap<>();
    pre.addStatement("at[0] = $L", loop.get(0));
    pre.addStatement("int[] shape = $L", dims.of(shape));
    pre.addStatement("int n = $L", dims.numel(shape));
    pre.addStatement("int cols = $L", shape.rank() == 0 ? "1" : dims.of(shape.dim(shape.rank() - 1)));
    pre.addStatement("int rows = cols == 0 ? 0 : n / cols");
    for (int id : loop) {
      for (int in : graph.node(id).inputs()) {
        if (inLoop.contains(in) || element.containsKey(in)) {
          continue;
        }
        Node operand = graph.node(in);
        if (operand.op() instanceof Op.Fill f) {
          element.put(in, literal(f.value(), operand.type().dtype()));
          continue;
        }
        reads.add(in);
        element.put(in, broadcast.read(operand, shape, pre, perRow, post));
      }
    }
    CodeBlock.Builder body = CodeBlock.builder();
    for (int id : loop) {
      Node node = graph.node(id);
      List<String> operands = new ArrayList<>();
      List<DType> types = new ArrayList<>();
      for (int in : node.inputs()) {
        operands.add(inLoop.contains(in) ? "x" + in : element.get(in));
        types.add(graph.node(in).type().dtype());
      }
      String expr = ScalarExpression.of((Op.Elementwise) node.op(), operands, types);
      body.add("$L x$L = $L; // $L$L\n", javaType(node.type().dtype()), id, expr, where(node), shortText(node));
    }
    for (int id : stored) {
      body.addStatement("o$L[base + c] = x$L", id, id);
    }
    CodeBlock head = pre.build();
    CodeBlock rowHead = perRow.build();
    CodeBlock loopBody = body.build();
    CodeBlock tail = post.build();
    Function<MemoryPlan, CodeBlock> emit = plan -> {
      CodeBlock.Builder code = CodeBlock.builder();
      code.add("// group $L ($L): $L\n", g.index(), g.kind().name().toLowerCase(),
          loop.stream().map(i -> "%" + i).reduce((a, b) -> a + " " + b).orElse(""));
      code.add("{\n$>");
      code.add(head);
      for (int id : stored) {
        int k = plan.slotOf().get(id);
        if (graph.node(id).type().dtype() == DType.I64) {
          code.addStatement("long[] o$L = new long[n]", id);
        } else if (k != MemoryPlan.OUTSIDE) {
          code.addStatement("float[] o$L = slots[$L]", id, k);
        } else {
          code.addStatement("float[] o$L = pool.take(n)", id);
        }
      }
      code.add("$T.forRange(rows, Math.max(1, $L / Math.max(1, cols)), (from, to) -> {\n$>", Parallel.class, GRAIN);
      code.beginControlFlow("for (int row = from; row < to; row++)");
      code.addStatement("int base = row * cols");
      code.add(rowHead);
      code.beginControlFlow("for (int c = 0; c < cols; c++)");
      code.add(loopBody);
      code.endControlFlow();
      code.endControlFlow();
      code.add("$<});\n");
      for (int id : stored) {
        String make = switch (graph.node(id).type().dtype()) {
          case F32 -> "of";
          case BOOL -> "ofBool";
          case I64 -> "ofLongs";
        };
        code.addStatement("v[$L] = $T.$L(o$L, shape)", id, TENSOR, make, id);
        code.add(slotCheck(plan, id));
      }
      code.add(tail);
      code.add("$<}\n");
      return code.build();
    };
    return new Step(loop.get(0), emit, reads, stored, Map.of());
  }

  // ---- memory -------------------------------------------------------------------------------------

  /** Each value's root: the value whose array it shares through the steps' aliases (itself if none). */
  private int[] roots(List<Step> steps) {
    Map<Integer, Integer> aliasOf = new HashMap<>();
    steps.forEach(s -> aliasOf.putAll(s.aliases()));
    int[] root = new int[graph.nodes().size()];
    for (int id = 0; id < root.length; id++) {
      int r = id;
      while (aliasOf.containsKey(r)) {
        r = aliasOf.get(r);
      }
      root[id] = r;
    }
    return root;
  }

  /**
   * The static memory plan of the steps, in their order. Views are the steps' aliases, so the plan
   * and the kernels agree on which values share an array. Left out: outputs and every value that
   * shares an output's array (the caller keeps them, so a later run must not write there) and
   * scan results (arrays of the scan loop); i64 values by {@link #FLOAT_ARRAYS}.
   */
  private MemoryPlan memoryPlan(List<Step> steps) {
    int[] root = roots(steps);
    Set<Integer> outputRoots = new HashSet<>();
    outputs.forEach(id -> outputRoots.add(root[id]));
    Map<Integer, Integer> viewOf = new HashMap<>();
    List<MemoryPlan.Step> schedule = new ArrayList<>();
    for (Step step : steps) {
      viewOf.putAll(step.aliases());
      List<Integer> planned = step.defines().stream()
          .filter(id -> !outputRoots.contains(root[id]) && !(graph.node(id).op() instanceof Op.ScanResult))
          .toList();
      schedule.add(new MemoryPlan.Step(planned, step.reads()));
    }
    return MemoryPlan.of(graph, FLOAT_ARRAYS, schedule, viewOf);
  }

  /**
   * The run's slot arrays, sized for its dims, after a comment per slot that says what it holds,
   * in order, views marked: {@code // slot 3: f32[N, 128] (512*N bytes): %12 matmul, %13 reshape
   * (view), %40 mul}.
   */
  private void slots(MethodSpec.Builder run, MemoryPlan plan, List<Step> steps) {
    Set<Integer> views = new HashSet<>();
    steps.forEach(step -> views.addAll(step.aliases().keySet()));
    run.addCode("// The static memory plan: one float[] per slot, kept by the workspace for runs with the same dims.\n");
    run.addCode("// Outside it: i64 values (small index tensors, long[]), the outputs (fresh arrays the caller keeps),\n");
    run.addCode("// scan results, inputs, parameters and constants.\n");
    List<String> lengths = new ArrayList<>();
    for (int k = 0; k < plan.slots(); k++) {
      List<Integer> values = plan.valuesIn(k);
      Node first = graph.node(values.get(0));
      StringBuilder text = new StringBuilder();
      for (int id : values) {
        Node node = graph.node(id);
        text.append(text.length() == 0 ? "" : ", ").append('%').append(id).append(' ').append(opName(node));
        if (!node.type().equals(first.type())) {
          text.append(' ').append(typeText(node));
        }
        if (views.contains(id)) {
          text.append(" (view)");
        }
      }
      run.addCode("// slot $L: $L ($L bytes): $L\n", k, typeText(first), plan.slotBytes().get(k), text);
      lengths.add(dims.numel(first.type().shape()));
    }
    run.addStatement("float[][] slots = ws.slots($L)", String.join(", ", lengths));
  }

  /** A value's dtype and shape: {@code f32[N, 128]}. */
  private static String typeText(Node node) {
    return node.type().dtype().text() + node.type().shape();
  }

  /** The first word of a node's op ({@code matmul}, {@code relu}, {@code reshape}). */
  private static String opName(Node node) {
    String text = node.op().text();
    int cut = 0;
    while (cut < text.length() && (Character.isLetterOrDigit(text.charAt(cut)) || text.charAt(cut) == '_')) {
      cut++;
    }
    return cut == 0 ? text.split("\\s")[0] : text.substring(0, cut);
  }

  /**
   * Each step's code, with, after the last step that reads a value outside the plan (or a view of
   * it), the statement that hands its array back to the pool. Values in slots are never handed
   * back; neither are values that are (or share an array with) outputs, feeds, constants and scan
   * carries; i64 arrays are not pooled.
   */
  private List<CodeBlock> render(List<Step> steps, MemoryPlan plan) {
    int n = graph.nodes().size();
    int[] root = roots(steps);
    Set<Integer> pinned = new HashSet<>();
    for (int id = 0; id < n; id++) {
      Op op = graph.node(root[id]).op();
      if (outputs.contains(id) || op instanceof Op.Scan || op instanceof Op.Input || op instanceof Op.Parameter
          || op instanceof Op.Constant || graph.node(root[id]).type().dtype() == DType.I64
          || plan.slotOf().get(root[id]) != MemoryPlan.OUTSIDE) {
        pinned.add(root[id]);
      }
    }
    Set<Integer> defined = new HashSet<>();
    steps.forEach(s -> defined.addAll(s.defines()));
    Map<Integer, Integer> lastStep = new HashMap<>();
    for (int s = 0; s < steps.size(); s++) {
      for (int id : steps.get(s).defines()) {
        lastStep.put(root[id], s);
      }
      for (int id : steps.get(s).reads()) {
        lastStep.put(root[id], s);
      }
    }
    List<CodeBlock> out = new ArrayList<>();
    for (int s = 0; s < steps.size(); s++) {
      CodeBlock.Builder code = steps.get(s).code().apply(plan).toBuilder();
      for (Map.Entry<Integer, Integer> e : lastStep.entrySet()) {
        if (e.getValue() == s && !pinned.contains(e.getKey()) && defined.contains(e.getKey())) {
          code.addStatement("pool.give(v[$L].floats())", e.getKey());
        }
      }
      out.add(code.build());
    }
    return out;
  }

  /** The steps in private methods of {@link #STEPS_PER_PART} each, which take the run's state and dims. */
  private List<MethodSpec> parts(List<CodeBlock> steps) {
    List<MethodSpec> parts = new ArrayList<>();
    for (int from = 0; from < steps.size(); from += STEPS_PER_PART) {
      MethodSpec.Builder part = MethodSpec.methodBuilder("part" + parts.size())
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .addParameter(Tensor[].class, "v")
          .addParameter(Workspace.class, "ws")
          .addParameter(float[][].class, "slots")
          .addParameter(long.class, "randomKey")
          .addParameter(int[].class, "at");
      for (String d : dimVariables.values()) {
        part.addParameter(int.class, d);
      }
      part.addStatement("$T pool = ws.pool()", POOL);
      for (CodeBlock s : steps.subList(from, Math.min(steps.size(), from + STEPS_PER_PART))) {
        part.addCode(s);
      }
      parts.add(part.build());
    }
    return parts;
  }

  // ---- constants and spans -------------------------------------------------------------------------

  private static FieldSpec constantField(String name, ConstantData c, Node node) {
    String shape = java.util.Arrays.toString(c.shape()).replace("[", "").replace("]", "");
    CodeBlock data;
    if (c.size() <= INLINE_CONSTANT) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < c.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(c.dtype() == DType.I64 ? c.longs()[i] + "L" : literal(c.floats()[i]));
      }
      data = CodeBlock.of("new $L[] {$L}", c.dtype() == DType.I64 ? "long" : "float", sb);
    } else {
      ByteBuffer bytes;
      if (c.dtype() == DType.I64) {
        bytes = ByteBuffer.allocate(c.size() * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(c.longs());
      } else {
        bytes = ByteBuffer.allocate(c.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(c.floats());
      }
      String text = Base64.getEncoder().encodeToString(bytes.array());
      CodeBlock.Builder chunks = CodeBlock.builder();
      for (int i = 0; i < text.length(); i += 60_000) {
        chunks.add(i == 0 ? "$S" : ", $S", text.substring(i, Math.min(text.length(), i + 60_000)));
      }
      data = CodeBlock.of("$T.$L($L)", PackedConstants.class, c.dtype() == DType.I64 ? "longs" : "floats",
          chunks.build());
    }
    String make = switch (c.dtype()) {
      case F32 -> "of";
      case BOOL -> "ofBool";
      case I64 -> "ofLongs";
    };
    return FieldSpec.builder(Tensor.class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The constant of $L\n", where(node).isEmpty() ? "%" + node.id() : where(node).trim())
        .initializer("$T.$L($L$L)", TENSOR, make, data, shape.isEmpty() ? "" : ", " + shape).build();
  }

  /**
   * A table of every node's source span as text, read only when an error is reported, and the
   * method that reads it: spans cost nothing while the graph runs. A span of std.nn reached from the
   * user's code keeps that call ({@link SourceSpan#caller}), in a second table written only when some
   * node has one, so that errors name the user's line as they do on the reference backend.
   */
  private void spanTable(TypeSpec.Builder type) {
    CodeBlock.Builder table = CodeBlock.builder().add("{\n$>");
    CodeBlock.Builder callers = CodeBlock.builder().add("{\n$>");
    boolean anyCaller = false;
    for (Node node : graph.nodes()) {
      SourceSpan s = node.span();
      if (s != null && s.isKnown()) {
        table.add("$S,\n", spanText(s));
      } else {
        table.add("null,\n");
      }
      if (s != null && s.isKnown() && s.caller() != null && s.caller().at().isKnown()) {
        anyCaller = true;
        callers.add("$S, $S,\n", s.caller().callee(), spanText(s.caller().at()));
      } else {
        callers.add("null, null,\n");
      }
    }
    table.add("$<}");
    callers.add("$<}");
    type.addField(FieldSpec.builder(String[].class, "SPANS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Each node's {@code .nnet} span: {@code file:line:column:endLine:endColumn}.\n")
        .initializer(table.build()).build());
    MethodSpec.Builder span = MethodSpec.methodBuilder("span").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(SourceSpan.class).addParameter(int.class, "node")
        .addStatement("String s = SPANS[node]")
        .beginControlFlow("if (s == null)")
        .addStatement("return $T.NONE", SourceSpan.class)
        .endControlFlow();
    if (anyCaller) {
      type.addField(FieldSpec.builder(String[].class, "CALLERS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("For a node of std.nn, the user's call that reached it: callee and span, two entries a node.\n")
          .initializer(callers.build()).build());
      span.addStatement("$T at = parseSpan(s)", SourceSpan.class)
          .addStatement("String callee = CALLERS[2 * node]")
          .addStatement("return callee == null ? at : at.calledFrom(new $T.Call(callee, parseSpan(CALLERS[2 * node + 1])))",
              SourceSpan.class);
    } else {
      span.addStatement("return parseSpan(s)");
    }
    type.addMethod(span.build());
    type.addMethod(MethodSpec.methodBuilder("parseSpan").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(SourceSpan.class).addParameter(String.class, "s")
        .addCode("// the four numbers from the right: a file name may contain ':'\n")
        .addStatement("int[] n = new int[4]")
        .addStatement("int end = s.length()")
        .beginControlFlow("for (int k = 3; k >= 0; k--)")
        .addStatement("int colon = s.lastIndexOf(':', end - 1)")
        .addStatement("n[k] = Integer.parseInt(s.substring(colon + 1, end))")
        .addStatement("end = colon")
        .endControlFlow()
        .addStatement("return new $T(s.substring(0, end), n[0], n[1], n[2], n[3])", SourceSpan.class)
        .build());
  }

  /** {@code file:line:column:endLine:endColumn}, as the span table holds it. */
  private static String spanText(SourceSpan s) {
    return s.file() + ":" + s.line() + ":" + s.column() + ":" + s.endLine() + ":" + s.endColumn();
  }

  // ---- small pieces ------------------------------------------------------------------------------

  /** {@code file:line:col } of a node's source, or nothing when it has none. */
  static String where(Node node) {
    SourceSpan s = node.span();
    return s != null && s.isKnown() ? s + " " : "";
  }

  /** The node's op as a short text for comments ({@code %12 = add}). */
  private static String shortText(Node node) {
    String text = node.op().text();
    int cut = text.indexOf('\n');
    text = cut >= 0 ? text.substring(0, cut) : text;
    if (text.length() > 48) {
      text = text.substring(0, 45) + "...";
    }
    return "%" + node.id() + " = " + text;
  }

  static String javaType(DType t) {
    return t == DType.I64 ? "long" : "float";
  }

  /** A fill's value as the element the fill kernel stores. */
  private static String literal(double value, DType dtype) {
    return switch (dtype) {
      case I64 -> (long) value + "L";
      case BOOL -> value != 0 ? "1f" : "0f";
      case F32 -> literal((float) value);
    };
  }

  /** A float literal that reads back as exactly {@code f}. */
  static String literal(float f) {
    if (Float.isNaN(f)) {
      return "Float.NaN";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
    }
    return Float.toString(f) + "f";
  }
}
