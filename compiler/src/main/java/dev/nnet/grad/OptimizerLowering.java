package dev.nnet.grad;

import dev.nnet.ir.BinaryFn;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.GraphBuilder.Value;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.ir.UnaryFn;
import dev.nnet.runtime.ParamSpec;
import dev.nnet.runtime.init.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an optimizer's update as IR, so a training step is one pure graph
 * (params, state, batch, lr) -> (new params, new state, loss). Update rules and defaults follow
 * PyTorch's {@code torch.optim}: SGD momentum {@code v <- mu v + (1 - dampening) g}, Nesterov
 * {@code g + mu v}; Adam with bias correction and eps outside the square root; AdamW with decoupled
 * weight decay. The learning rate is an input, so schedules run in the training loop.
 */
public final class OptimizerLowering {
  /** The optimizer-state tensors the update reads, with how they start. */
  private final List<ParamSpec> states = new ArrayList<>();
  /** Output name to new value: {@code fc1.weight} and {@code fc1.weight@m} for state. */
  private final Map<String, Value> updates = new LinkedHashMap<>();
  private final GraphBuilder b;
  private final SourceSpan span;

  private final String stepName;

  public OptimizerLowering(GraphBuilder b, SourceSpan span) {
    this(b, span, "@step");
  }

  /**
   * A lowering whose step counter (Adam's bias correction, dampened SGD) is the state
   * {@code stepName}: each optimizer of a step with several has its own.
   */
  public OptimizerLowering(GraphBuilder b, SourceSpan span, String stepName) {
    this.b = b;
    this.span = span;
    this.stepName = stepName;
  }

  public List<ParamSpec> states() {
    return states;
  }

  public Map<String, Value> updates() {
    return updates;
  }

  /**
   * Emits the update of every parameter. {@code options} holds the optimizer's hyperparameters by
   * name ({@code momentum}, {@code beta1}, ...), {@code lr} is the learning-rate input.
   */
  public void lower(String kind, Map<String, Double> options, List<ParamSpec> params, List<Value> values,
      List<Value> grads, Value lr) {
    Value step = null;
    boolean sgdDampened = kind.equals("sgd") && options.getOrDefault("momentum", 0.0) != 0
        && options.getOrDefault("dampening", 0.0) != 0;
    if (kind.equals("adam") || kind.equals("adamw") || sgdDampened) {
      Value t = state(stepName, Shape.scalar());
      step = add(t, scalar(1));
      updates.put(stepName, step);
    }
    for (int i = 0; i < params.size(); i++) {
      ParamSpec p = params.get(i);
      Value w = values.get(i);
      Value g = grads.get(i);
      switch (kind) {
        case "sgd" -> sgd(p, w, g, lr, step, options);
        case "adam", "adamw" -> adam(p, w, g, lr, step, options, kind.equals("adamw"));
        default -> throw new IllegalArgumentException("unknown optimizer " + kind);
      }
    }
  }

  /** {@code step} is the 1-based step count, present only with momentum and dampening. */
  private void sgd(ParamSpec p, Value w, Value g, Value lr, Value step, Map<String, Double> o) {
    double wd = o.getOrDefault("weight_decay", 0.0);
    double mu = o.getOrDefault("momentum", 0.0);
    double dampening = o.getOrDefault("dampening", 0.0);
    boolean nesterov = o.getOrDefault("nesterov", 0.0) != 0;
    if (wd != 0) {
      g = add(g, mul(w, scalar(wd)));
    }
    if (mu != 0) {
      // PyTorch starts the buffer at the first gradient (no dampening on step 1); a zero buffer with
      // dampening 0 gives the same result, which is the default. With dampening, the step count
      // tells the first step, where the gradient goes into the buffer undampened.
      Value v = state(p.name() + "@momentum", p.shape());
      Value scaled = dampening == 0 ? g
          : op(new Op.Where(), op(new Op.Binary(BinaryFn.EQ), step, scalar(1)), g, mul(g, scalar(1 - dampening)));
      Value vNew = add(mul(v, scalar(mu)), scaled);
      updates.put(p.name() + "@momentum", vNew);
      g = nesterov ? add(g, mul(vNew, scalar(mu))) : vNew;
    }
    updates.put(p.name(), sub(w, mul(g, lr)));
  }

  private void adam(ParamSpec p, Value w, Value g, Value lr, Value step, Map<String, Double> o, boolean decoupled) {
    double b1 = o.get("beta1");
    double b2 = o.get("beta2");
    double eps = o.get("eps");
    double wd = o.getOrDefault("weight_decay", 0.0);
    if (wd != 0 && decoupled) {
      w = sub(w, mul(w, mul(lr, scalar(wd))));
    } else if (wd != 0) {
      g = add(g, mul(w, scalar(wd)));
    }
    Value m = state(p.name() + "@m", p.shape());
    Value v = state(p.name() + "@v", p.shape());
    Value mNew = add(mul(m, scalar(b1)), mul(g, scalar(1 - b1)));
    Value vNew = add(mul(v, scalar(b2)), mul(mul(g, g), scalar(1 - b2)));
    updates.put(p.name() + "@m", mNew);
    updates.put(p.name() + "@v", vNew);
    Value bc1 = sub(scalar(1), pow(scalar(b1), step));
    Value bc2 = sub(scalar(1), pow(scalar(b2), step));
    // PyTorch: denom = sqrt(v) / sqrt(bc2) + eps; w -= lr / bc1 * m / denom
    Value denom = add(div(op(new Op.Unary(UnaryFn.SQRT), vNew), op(new Op.Unary(UnaryFn.SQRT), bc2)), scalar(eps));
    updates.put(p.name(), sub(w, mul(div(lr, bc1), div(mNew, denom))));
  }

  private Value state(String name, Shape shape) {
    if (states.stream().noneMatch(p -> p.name().equals(name))) {
      states.add(new ParamSpec(name, shape, new Initializer.Zeros(), false));
    }
    return b.parameter(name, TensorType.f32(shape), false);
  }

  private Value op(Op op, Value... in) {
    return b.addChecked(op, span, in);
  }

  private Value scalar(double v) {
    return b.addChecked(new Op.Fill(v, TensorType.f32(Shape.scalar())), span);
  }

  private Value add(Value x, Value y) {
    return op(new Op.Binary(BinaryFn.ADD), x, y);
  }

  private Value sub(Value x, Value y) {
    return op(new Op.Binary(BinaryFn.SUB), x, y);
  }

  private Value mul(Value x, Value y) {
    return op(new Op.Binary(BinaryFn.MUL), x, y);
  }

  private Value div(Value x, Value y) {
    return op(new Op.Binary(BinaryFn.DIV), x, y);
  }

  private Value pow(Value x, Value y) {
    return op(new Op.Binary(BinaryFn.POW), x, y);
  }
}
