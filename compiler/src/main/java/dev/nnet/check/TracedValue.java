package dev.nnet.check;

import dev.nnet.ir.TensorType;

/**
 * What one piece of source evaluated to while the checker traced it, for editors: the tensor type of
 * an expression, the layer a name stands for, or the description of any other value.
 *
 * @param description the value in words, as diagnostics say it: "a tensor [N, 256]", "the int 64"
 * @param tensor the tensor type when the value is a tensor, otherwise null
 * @param layer the layer instance when the value is an instantiated layer, otherwise null
 */
public record TracedValue(String description, TensorType tensor, LayerInstance layer) {

  static TracedValue of(Val v) {
    if (v instanceof Val.Tensor t) {
      return new TracedValue(v.describe(), t.value().type(), null);
    }
    if (v instanceof Val.Layer l) {
      return new TracedValue(v.describe(), null, l.instance());
    }
    return new TracedValue(v.describe(), null, null);
  }
}
