package dev.nnet.opt;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Node;
import dev.nnet.ir.Op;
import dev.nnet.ir.OpVisitor;
import dev.nnet.ir.Shape;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fusion analysis: partitions a graph into groups that a code generator can emit as one loop
 * each, as TVM fuses injective ops into their consumers and a reduction into its producers.
 *
 * <ul>
 *   <li>Elementwise ops join the group of an operand when that group is elementwise over the same
 *       output shape; operands that broadcast, or come from elsewhere, are the group's inputs. A
 *       node whose operands are in several such groups merges them (a tree such as
 *       {@code exp(a) + exp(b)} is one loop).
 *   <li>A reduction ({@code reduce}, {@code argmax}) ends the elementwise group of its operand: the
 *       group becomes a {@link FusionPlan.Kind#REDUCTION} and takes no more nodes.
 *   <li>Every other op (contractions, movement, windows, indexing, random draws) is a group of its
 *       own; leaves are in no group.
 *   <li>A node never joins a group that one of its other operands depends on through a node outside
 *       it, so the groups' dependencies stay acyclic.
 * </ul>
 *
 * It annotates and does not rewrite: the result is a {@link FusionPlan}. The dispatch over ops is
 * an {@link OpVisitor}, so a new op must say which role it plays.
 */
public final class FusionGroups {
  /** What an op can do in a group. */
  private enum Role { LEAF, ELEMENTWISE, REDUCTION_END, ALONE }

  private final Graph graph;
  /** Each node's group (a union-find id; -1 for leaves). */
  private final int[] groupOf;
  /** For each node, the groups (union-find ids) of every node it depends on. */
  private final BitSet[] dependsOn;
  /** Union-find parent of each group id. */
  private final List<Integer> parent = new ArrayList<>();
  private final List<List<Integer>> members = new ArrayList<>();
  private final List<FusionPlan.Kind> kinds = new ArrayList<>();
  /** The output shape of each group's loop. */
  private final List<Shape> shapes = new ArrayList<>();
  /** Whether an elementwise group still takes nodes (a reduction closed it). */
  private final List<Boolean> open = new ArrayList<>();

  private FusionGroups(Graph graph) {
    this.graph = graph;
    this.groupOf = new int[graph.nodes().size()];
    this.dependsOn = new BitSet[graph.nodes().size()];
  }

  /** The fusion groups of {@code graph}. */
  public static FusionPlan plan(Graph graph) {
    FusionGroups f = new FusionGroups(graph);
    for (Node n : graph.nodes()) {
      f.place(n);
    }
    return f.result();
  }

  private void place(Node n) {
    BitSet deps = new BitSet();
    for (int in : n.inputs()) {
      deps.or(dependsOn[in]);
      if (groupOf[in] >= 0) {
        deps.set(groupOf[in]);
      }
    }
    dependsOn[n.id()] = deps;
    RoleChoice choice = n.op().accept(new RoleChoice());
    groupOf[n.id()] = switch (choice.role) {
      case LEAF -> -1;
      case ELEMENTWISE -> joinElementwise(n);
      case REDUCTION_END -> endReduction(n);
      case ALONE -> newGroup(choice.kind, n, false);
    };
  }

  private int joinElementwise(Node n) {
    Set<Integer> chosen = new LinkedHashSet<>();
    for (int in : n.inputs()) {
      int g = groupOf[in] < 0 ? -1 : find(groupOf[in]);
      if (g >= 0 && !chosen.contains(g) && open.get(g) && kinds.get(g) == FusionPlan.Kind.ELEMENTWISE
          && shapes.get(g).equals(n.type().shape())) {
        Set<Integer> tried = new LinkedHashSet<>(chosen);
        tried.add(g);
        if (acyclic(n, tried)) {
          chosen = tried;
        }
      }
    }
    if (chosen.isEmpty()) {
      return newGroup(FusionPlan.Kind.ELEMENTWISE, n, true);
    }
    int root = -1;
    for (int g : chosen) {
      root = root < 0 ? g : merge(root, g);
    }
    members.get(root).add(n.id());
    return root;
  }

  private int endReduction(Node n) {
    int in = n.input(0);
    int g = groupOf[in] < 0 ? -1 : find(groupOf[in]);
    if (g >= 0 && open.get(g) && kinds.get(g) == FusionPlan.Kind.ELEMENTWISE
        && shapes.get(g).equals(graph.node(in).type().shape()) && acyclic(n, Set.of(g))) {
      members.get(g).add(n.id());
      kinds.set(g, FusionPlan.Kind.REDUCTION);
      open.set(g, false);
      return g;
    }
    return newGroup(FusionPlan.Kind.REDUCTION, n, false);
  }

  /**
   * True if the groups {@code merged} and node {@code n} together read nothing that depends on
   * them: a value from outside that was computed from the merged group would have to run both
   * before and after it.
   */
  private boolean acyclic(Node n, Set<Integer> merged) {
    List<Integer> nodes = new ArrayList<>(List.of(n.id()));
    for (int g : merged) {
      nodes.addAll(members.get(g));
    }
    for (int id : nodes) {
      for (int in : graph.node(id).inputs()) {
        if (groupOf[in] >= 0 && merged.contains(find(groupOf[in]))) {
          continue; // read inside the merged group
        }
        BitSet deps = dependsOn[in];
        for (int d = deps.nextSetBit(0); d >= 0; d = deps.nextSetBit(d + 1)) {
          if (merged.contains(find(d))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private int newGroup(FusionPlan.Kind kind, Node n, boolean isOpen) {
    int id = parent.size();
    parent.add(id);
    members.add(new ArrayList<>(List.of(n.id())));
    kinds.add(kind);
    shapes.add(n.type().shape());
    open.add(isOpen);
    return id;
  }

  private int find(int g) {
    while (parent.get(g) != g) {
      g = parent.get(g);
    }
    return g;
  }

  private int merge(int a, int b) {
    int root = Math.min(a, b);
    int other = Math.max(a, b);
    parent.set(other, root);
    members.get(root).addAll(members.get(other));
    members.get(other).clear();
    return root;
  }

  private FusionPlan result() {
    int n = graph.nodes().size();
    List<List<Integer>> users = graph.users();
    Set<Integer> graphOutputs = Set.copyOf(graph.outputs().values());
    int[] index = new int[parent.size()];
    java.util.Arrays.fill(index, -1);
    List<FusionPlan.Group> groups = new ArrayList<>();
    List<List<Integer>> nodesOf = new ArrayList<>();
    for (int id = 0; id < n; id++) {
      if (groupOf[id] < 0) {
        continue;
      }
      int g = find(groupOf[id]);
      if (index[g] < 0) {
        index[g] = nodesOf.size();
        nodesOf.add(new ArrayList<>());
      }
      nodesOf.get(index[g]).add(id);
    }
    for (int i = 0; i < nodesOf.size(); i++) {
      List<Integer> nodes = nodesOf.get(i);
      int root = find(groupOf[nodes.get(0)]);
      Set<Integer> inside = Set.copyOf(nodes);
      Set<Integer> inputs = new LinkedHashSet<>();
      List<Integer> outputs = new ArrayList<>();
      for (int id : nodes) {
        for (int in : graph.node(id).inputs()) {
          if (!inside.contains(in)) {
            inputs.add(in);
          }
        }
        if (graphOutputs.contains(id) || users.get(id).stream().anyMatch(u -> !inside.contains(u))) {
          outputs.add(id);
        }
      }
      groups.add(new FusionPlan.Group(i, kinds.get(root), nodes, List.copyOf(inputs), outputs));
    }
    return new FusionPlan(graph, groups);
  }

  /** The role of each op, and the kind of group it forms when it stands alone. */
  private static final class RoleChoice implements OpVisitor<RoleChoice> {
    private Role role;
    private FusionPlan.Kind kind;

    private RoleChoice is(Role r, FusionPlan.Kind k) {
      role = r;
      kind = k;
      return this;
    }

    private RoleChoice leaf() {
      return is(Role.LEAF, null);
    }

    private RoleChoice elementwise() {
      return is(Role.ELEMENTWISE, FusionPlan.Kind.ELEMENTWISE);
    }

    private RoleChoice alone(FusionPlan.Kind k) {
      return is(Role.ALONE, k);
    }

    public RoleChoice input(Op.Input op) {
      return leaf();
    }

    public RoleChoice parameter(Op.Parameter op) {
      return leaf();
    }

    public RoleChoice constant(Op.Constant op) {
      return leaf();
    }

    public RoleChoice fill(Op.Fill op) {
      return leaf();
    }

    public RoleChoice arange(Op.Arange op) {
      return leaf();
    }

    public RoleChoice unary(Op.Unary op) {
      return elementwise();
    }

    public RoleChoice binary(Op.Binary op) {
      return elementwise();
    }

    public RoleChoice where(Op.Where op) {
      return elementwise();
    }

    public RoleChoice cast(Op.Cast op) {
      return elementwise();
    }

    public RoleChoice stopGradient(Op.StopGradient op) {
      return elementwise();
    }

    public RoleChoice reshape(Op.Reshape op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice permute(Op.Permute op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice expand(Op.Expand op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice slice(Op.Slice op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice concat(Op.Concat op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice pad(Op.Pad op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice padTranspose(Op.PadTranspose op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice flip(Op.Flip op) {
      return alone(FusionPlan.Kind.MOVEMENT);
    }

    public RoleChoice reduce(Op.Reduce op) {
      return is(Role.REDUCTION_END, FusionPlan.Kind.REDUCTION);
    }

    public RoleChoice argMax(Op.ArgMax op) {
      return is(Role.REDUCTION_END, FusionPlan.Kind.REDUCTION);
    }

    public RoleChoice window(Op.Window op) {
      return alone(FusionPlan.Kind.WINDOW);
    }

    public RoleChoice windowSumTranspose(Op.WindowSumTranspose op) {
      return alone(FusionPlan.Kind.WINDOW);
    }

    public RoleChoice matMul(Op.MatMul op) {
      return alone(FusionPlan.Kind.CONTRACTION);
    }

    public RoleChoice conv(Op.Conv op) {
      return alone(FusionPlan.Kind.CONTRACTION);
    }

    public RoleChoice convTranspose(Op.ConvTranspose op) {
      return alone(FusionPlan.Kind.CONTRACTION);
    }

    public RoleChoice convFilterGrad(Op.ConvFilterGrad op) {
      return alone(FusionPlan.Kind.CONTRACTION);
    }

    public RoleChoice oneHot(Op.OneHot op) {
      return alone(FusionPlan.Kind.INDEXING);
    }

    public RoleChoice gather(Op.Gather op) {
      return alone(FusionPlan.Kind.INDEXING);
    }

    public RoleChoice scatterAdd(Op.ScatterAdd op) {
      return alone(FusionPlan.Kind.INDEXING);
    }

    public RoleChoice windowMaxGrad(Op.WindowMaxGrad op) {
      return alone(FusionPlan.Kind.INDEXING);
    }

    public RoleChoice randomUniform(Op.RandomUniform op) {
      return alone(FusionPlan.Kind.RANDOM);
    }

    public RoleChoice randomNormal(Op.RandomNormal op) {
      return alone(FusionPlan.Kind.RANDOM);
    }

    public RoleChoice randomPermutation(Op.RandomPermutation op) {
      return alone(FusionPlan.Kind.RANDOM); // a sort
    }

    public RoleChoice categorical(Op.Categorical op) {
      return alone(FusionPlan.Kind.RANDOM); // an argmax over noisy rows
    }

    public RoleChoice scan(Op.Scan op) {
      return alone(FusionPlan.Kind.CONTROL);
    }

    public RoleChoice scanResult(Op.ScanResult op) {
      return alone(FusionPlan.Kind.CONTROL);
    }
  }
}
