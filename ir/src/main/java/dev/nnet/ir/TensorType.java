package dev.nnet.ir;

/** The static type of a value in the IR: an element type and a (possibly symbolic) shape. */
public record TensorType(DType dtype, Shape shape) {
  public static TensorType f32(Shape shape) {
    return new TensorType(DType.F32, shape);
  }

  public int rank() {
    return shape.rank();
  }

  public TensorType withShape(Shape s) {
    return new TensorType(dtype, s);
  }

  public TensorType withDType(DType d) {
    return new TensorType(d, shape);
  }

  /** {@code [N, 784]} for f32, {@code i64[N]} otherwise. */
  @Override
  public String toString() {
    return (dtype == DType.F32 ? "" : dtype.text()) + shape;
  }
}
