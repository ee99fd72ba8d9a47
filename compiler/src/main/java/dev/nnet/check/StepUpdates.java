package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.grad.Differentiator;
import dev.nnet.grad.OptimizerLowering;
import dev.nnet.grad.UnsupportedGradient;
import dev.nnet.ir.DType;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.init.Initializer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a train block's own {@code fn step()} changes: each {@code minimize(optimizer, loss, params)}
 * differentiates the loss with respect to the given parameters and appends the optimizer's update
 * (PyTorch's rules, {@link OptimizerLowering}). As after PyTorch's {@code optimizer.step()}, the
 * rest of the step sees the updated parameters: a GAN's generator step runs through the
 * discriminator it just updated. Each optimizer keeps its own state; a parameter is updated at most
 * once per step.
 */
final class StepUpdates {
  private final GraphBuilder graph;
  private final List<LayerInstance> models = new ArrayList<>();
  private final Map<Val.Optimizer, OptimizerLowering> lowerings = new IdentityHashMap<>();
  /** Parameter and optimizer-state names to their values after this step, in order. */
  private final Map<String, GraphBuilder.Value> updates = new LinkedHashMap<>();
  private final List<ParamSpec> states = new ArrayList<>();

  StepUpdates(GraphBuilder graph) {
    this.graph = graph;
  }

  /** A model whose parameters a step may update (the trained model and any other in the block). */
  void addModel(LayerInstance model) {
    models.add(model);
  }

  Map<String, GraphBuilder.Value> updates() {
    return updates;
  }

  List<ParamSpec> states() {
    return states;
  }

  boolean any() {
    return !updates.isEmpty();
  }

  void minimize(Val.Optimizer optimizer, Val.Tensor loss, List<Val.Tensor> params, SourceSpan at) throws CheckError {
    if (loss.value().rank() != 0 || loss.value().dtype() != DType.F32) {
      throw new CheckError(Diagnostic.error(ErrorCode.LOSS_NOT_SCALAR, loss.origin(), "`minimize` needs a scalar f32 loss, got "
          + loss.value().type()).withHelp("reduce it, for example with `mean(...)`"));
    }
    List<ParamSpec> specs = new ArrayList<>();
    List<GraphBuilder.Value> values = new ArrayList<>();
    for (Val.Tensor p : params) {
      if (!(p.value().owner() == graph && graph.node(p.value().id()).op() instanceof Op.Parameter param
          && param.trainable())) {
        throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_TYPE, at, "`minimize` updates parameters, but one of "
            + "the values given is " + (updates.values().stream().anyMatch(v -> v.id() == p.value().id())
            ? "a parameter this step has already updated" : "not a trainable parameter"))
            .withHelp("pass a model, or `params_of(model)`; each parameter can be minimized once per step"));
      }
      if (updates.containsKey(param.name())) {
        throw Tracer.error(ErrorCode.INVALID_VALUE, at, "`" + param.name() + "` is updated twice in one step");
      }
      specs.add(new ParamSpec(param.name(), param.type().shape(), new Initializer.Zeros(), true));
      values.add(p.value());
    }
    List<GraphBuilder.Value> grads;
    try {
      grads = Differentiator.gradients(graph, loss.value(), values);
    } catch (UnsupportedGradient e) {
      throw Tracer.error(ErrorCode.TRAIN_SETTING, loss.origin(), e.getMessage());
    }
    OptimizerSpec spec = optimizer.spec();
    OptimizerLowering lowering = lowerings.computeIfAbsent(optimizer,
        o -> new OptimizerLowering(graph, at, "@step" + (lowerings.size() + 1)));
    GraphBuilder.Value lr = spec.schedule() != null ? spec.schedule()
        : graph.addChecked(new Op.Fill(spec.options().get("lr"), TensorType.f32(Shape.scalar())), at);
    lowering.lower(spec.kind(), spec.options(), specs, values, grads, lr);
    lowering.updates().forEach(updates::put);
    for (ParamSpec s : lowering.states()) {
      if (states.stream().noneMatch(x -> x.name().equals(s.name()))) {
        states.add(s);
      }
    }
    for (ParamSpec p : specs) {
      rebind(p.name(), new Val.Tensor(lowering.updates().get(p.name()), at));
    }
  }

  /** Makes the rest of the step read {@code value} where it reads parameter {@code name}. */
  private void rebind(String name, Val.Tensor value) {
    for (LayerInstance m : models) {
      if (rebind(m, name, value)) {
        return;
      }
    }
  }

  private static boolean rebind(LayerInstance inst, String name, Val.Tensor value) {
    for (ParamSpec p : inst.params()) {
      if (p.name().equals(name)) {
        inst.scope().define(localName(inst, name), value);
        return true;
      }
    }
    for (LayerInstance child : inst.children().values()) {
      if (rebind(child, name, value)) {
        return true;
      }
    }
    return false;
  }

  /** A parameter's name in its layer's scope: {@code weight} for {@code disc.fc1.weight} of {@code disc.fc1}. */
  private static String localName(LayerInstance inst, String fullName) {
    return inst.path().isEmpty() ? fullName : fullName.substring(inst.path().length() + 1);
  }

  /** The trainable parameter values of {@code inst} and its sub-layers, as its scopes hold them now. */
  static List<Val.Tensor> paramsOf(LayerInstance inst) {
    List<Val.Tensor> out = new ArrayList<>();
    for (ParamSpec p : inst.params()) {
      if (p.trainable()) {
        if (inst.scope().lookup(localName(inst, p.name())) instanceof Val.Tensor t) {
          out.add(t);
        }
      }
    }
    for (LayerInstance child : inst.children().values()) {
      out.addAll(paramsOf(child));
    }
    return out;
  }
}
