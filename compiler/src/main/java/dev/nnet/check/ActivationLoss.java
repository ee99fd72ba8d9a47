package dev.nnet.check;

/**
 * Which final activations do not suit which std.nn loss (NNET1005): a loss on logits given an
 * already squashed value, or a loss on probabilities given a value outside [0, 1]. Softmax before
 * {@code cross_entropy} (NNET1001) and sigmoid with {@code mse} (NNET1002) have codes of their own.
 */
final class ActivationLoss {
  private ActivationLoss() {}

  /** Why {@code activation}'s output does not suit {@code loss}, or null when it does (or is not known). */
  static String problem(String activation, String loss) {
    if (activation == null) {
      return null;
    }
    boolean logitsLoss = loss.equals("cross_entropy") || loss.equals("binary_cross_entropy_with_logits");
    if (logitsLoss && activation.equals("sigmoid")) {
      return "`" + loss + "` takes logits, but this value has been through `sigmoid`";
    }
    if (logitsLoss && activation.equals("relu")) {
      return "`" + loss + "` takes logits, but a final `relu` clips them at 0: no logit can say \"unlikely\"";
    }
    if (loss.equals("binary_cross_entropy") && (activation.equals("relu") || activation.equals("tanh")
        || activation.equals("leaky_relu"))) {
      return "`binary_cross_entropy` takes probabilities in [0, 1], but `" + activation + "` gives values outside it";
    }
    return null;
  }

  /** The fix for a {@link #problem}. */
  static String fix(String activation, String loss) {
    if (loss.equals("binary_cross_entropy")) {
      return "end the model with `sigmoid`, or pass the logits (without the `" + activation
          + "`) to `binary_cross_entropy_with_logits`";
    }
    return "pass the logits: remove the final `" + activation + "`; `" + loss + "` applies "
        + (loss.equals("cross_entropy") ? "log_softmax" : "the sigmoid") + " itself";
  }
}
