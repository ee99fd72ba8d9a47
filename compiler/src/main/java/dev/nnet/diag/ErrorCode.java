package dev.nnet.diag;

/**
 * The stable diagnostic codes. Each has a page {@code docs/errors/NNETxxxx.md}; never renumber.
 * Ranges: 00xx syntax, 01xx names and imports, 02xx arguments and values, 03xx shapes and dtypes,
 * 04xx data, 05xx training, 06xx export, 09xx internal, 10xx lints (warnings).
 */
public enum ErrorCode {
  SYNTAX("NNET0001", "syntax error"),
  NESTING_TOO_DEEP("NNET0002", "expression nested too deeply"),
  UNKNOWN_NAME("NNET0101", "unknown name"),
  DUPLICATE_NAME("NNET0102", "name defined twice"),
  UNKNOWN_MODULE("NNET0103", "unknown module in import"),
  NOT_CALLABLE("NNET0104", "value is not callable"),
  UNKNOWN_MEMBER("NNET0105", "unknown member"),
  MISSING_FORWARD("NNET0106", "layer has no forward"),
  ARGUMENT_COUNT("NNET0201", "wrong arguments"),
  ARGUMENT_TYPE("NNET0202", "argument of the wrong kind"),
  INVALID_VALUE("NNET0203", "invalid value"),
  RECURSION("NNET0204", "recursion too deep"),
  INTEGER_OVERFLOW("NNET0205", "integer out of range"),
  TOO_LARGE("NNET0206", "too large for memory"),
  SHAPE_MISMATCH("NNET0301", "tensor shape does not match what is expected"),
  OP_SHAPE("NNET0302", "operation cannot combine these shapes"),
  DTYPE_MISMATCH("NNET0303", "wrong element type"),
  RESULT_SHAPE("NNET0304", "result shape differs from the declared one"),
  DATA_SOURCE("NNET0401", "data set cannot be read"),
  DATA_FIELD("NNET0402", "invalid data field or split"),
  TRAIN_SETTING("NNET0501", "invalid training setting"),
  LOSS_NOT_SCALAR("NNET0502", "loss is not a scalar"),
  UNKNOWN_SETTING("NNET0503", "unknown training setting"),
  EXPORT_UNSUPPORTED("NNET0601", "operation cannot be exported"),
  INTERNAL("NNET0901", "internal compiler error"),
  SOFTMAX_BEFORE_CROSS_ENTROPY("NNET1001", "softmax before cross_entropy"),
  SIGMOID_WITH_MSE("NNET1002", "sigmoid output trained with mse"),
  LEARNING_RATE_RANGE("NNET1003", "learning rate out of the usual range"),
  CONSTANT_WEIGHT_INIT("NNET1004", "weights initialized to a constant"),
  ACTIVATION_BEFORE_LOSS("NNET1005", "final activation does not suit the loss"),
  LOSS_WITHOUT_GRADIENT("NNET1006", "loss has no gradient for any parameter"),
  STATE_NEVER_UPDATED("NNET1007", "state read in evaluation is never updated"),
  MODE_IGNORED("NNET1008", "training-mode layer where the mode never applies");

  private final String id;
  private final String title;

  ErrorCode(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** {@code NNET0301}. */
  public String id() {
    return id;
  }

  /** A short title, as on the documentation page. */
  public String title() {
    return title;
  }

  /** The documentation page of this code, relative to the repository root. */
  public String docPath() {
    return "docs/errors/" + id + ".md";
  }
}
