package dev.nnet.ir;

/**
 * An input and a parameter of one graph given the same name: both are fed from one map by name,
 * so a name may denote only one leaf. The checker reports it as a name clash in the user's program
 * (a model's top-level `param lr` meets the training step's input `lr`).
 */
public final class LeafNameTaken extends IllegalArgumentException {
  private final String name;

  public LeafNameTaken(String name) {
    super("`" + name + "` names both an input and a parameter");
    this.name = name;
  }

  /** The name both leaves want. */
  public String name() {
    return name;
  }
}
