package dev.nnet.runtime.data;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named columns that share their first dimension, the rows: for example {@code image: [N, 1, 28, 28]}
 * and {@code label: [N]}. Row {@code i} of the data set is row {@code i} of every column.
 *
 * <p>Immutable. {@link #slice} and {@link #select} copy the chosen rows into new tensors, so the
 * result owns its data and the source is never aliased.
 */
public final class Dataset {
  private final Map<String, Tensor> columns;
  private final int size;
  /** Where each row was read from, or null when unknown (rows made in memory). */
  private final RowOrigins origins;

  private Dataset(Map<String, Tensor> columns, int size, RowOrigins origins) {
    this.columns = columns;
    this.size = size;
    this.origins = origins;
  }

  /** The same rows, read from where {@code origins} says (one position per row). */
  public Dataset withOrigins(RowOrigins origins) {
    if (origins.positions().length != size) {
      throw new IllegalArgumentException(origins.positions().length + " row origins for " + size + " rows");
    }
    return new Dataset(columns, size, origins);
  }

  /** Where each row was read from, or null when unknown. Slices and selections keep it. */
  public RowOrigins origins() {
    return origins;
  }

  /**
   * A data set of the given columns, in the map's iteration order. Every column must have rank at
   * least 1 and the same first dimension.
   */
  public static Dataset of(Map<String, Tensor> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a data set needs at least one column");
    }
    int size = -1;
    String first = null;
    for (Map.Entry<String, Tensor> e : columns.entrySet()) {
      Tensor t = e.getValue();
      if (t.rank() == 0) {
        throw new IllegalArgumentException("column \"" + e.getKey() + "\" is a scalar; a column needs a first dimension of rows");
      }
      if (size < 0) {
        size = t.dim(0);
        first = e.getKey();
      } else if (t.dim(0) != size) {
        throw new IllegalArgumentException("column \"" + e.getKey() + "\" has " + t.dim(0) + " rows but \"" + first + "\" has " + size
            + "; all columns of a data set must have the same number of rows");
      }
    }
    return new Dataset(Collections.unmodifiableMap(new LinkedHashMap<>(columns)), size, null);
  }

  /** Number of rows. */
  public int size() {
    return size;
  }

  /** The column names, in order. */
  public List<String> names() {
    return List.copyOf(columns.keySet());
  }

  /** All columns by name, in order (unmodifiable). */
  public Map<String, Tensor> columns() {
    return columns;
  }

  /** The column called {@code name}. */
  public Tensor column(String name) {
    Tensor t = columns.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no column named \"" + name + "\"; the columns are " + columns.keySet());
    }
    return t;
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of a data set with " + size + " rows");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : columns.entrySet()) {
      Tensor t = e.getValue();
      int row = rowSize(t);
      int[] shape = t.shape();
      shape[0] = to - from;
      out.put(e.getKey(), copyRange(t, from * row, (to - from) * row, shape));
    }
    return new Dataset(Collections.unmodifiableMap(out), to - from, origins == null ? null : origins.slice(from, to));
  }

  /** The rows at the given indices, in that order (repeats allowed), copied. */
  public Dataset select(int[] rows) {
    return select(rows, 0, rows.length);
  }

  /**
   * The rows at {@code rows[from..to)}, in that order, copied. Lets a batch iterator gather a batch
   * straight out of its permutation without copying the index range first.
   */
  public Dataset select(int[] rows, int from, int to) {
    if (from < 0 || to > rows.length || from > to) {
      throw new IndexOutOfBoundsException("indices " + from + ".." + to + " of an array of " + rows.length);
    }
    for (int i = from; i < to; i++) {
      if (rows[i] < 0 || rows[i] >= size) {
        throw new IndexOutOfBoundsException("row " + rows[i] + " of a data set with " + size + " rows");
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : columns.entrySet()) {
      out.put(e.getKey(), gather(e.getValue(), rows, from, to));
    }
    return new Dataset(Collections.unmodifiableMap(out), to - from, origins == null ? null : origins.select(rows, from, to));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Dataset(").append(size).append(" rows");
    columns.forEach((name, t) -> sb.append(", ").append(name).append(": ").append(t.dtype()).append(Arrays.toString(t.shape())));
    return sb.append(')').toString();
  }

  /** Elements per row: the product of all dimensions but the first (also right when there are no rows). */
  private static int rowSize(Tensor t) {
    int[] shape = t.shape();
    shape[0] = 1;
    return Math.toIntExact(Tensor.numel(shape));
  }

  private static Tensor copyRange(Tensor t, int start, int length, int[] shape) {
    return switch (t.dtype()) {
      case I64 -> Tensor.ofLongs(Arrays.copyOfRange(t.longs(), start, start + length), shape);
      case F32 -> Tensor.of(Arrays.copyOfRange(t.floats(), start, start + length), shape);
      case BOOL -> Tensor.ofBool(Arrays.copyOfRange(t.floats(), start, start + length), shape);
    };
  }

  /** Copies rows {@code rows[from..to)} of {@code t} into a new tensor. Runs once per column per batch. */
  private static Tensor gather(Tensor t, int[] rows, int from, int to) {
    int row = rowSize(t);
    int n = to - from;
    int[] shape = t.shape();
    shape[0] = n;
    if (t.dtype() == DType.I64) {
      long[] src = t.longs();
      long[] dst = new long[n * row];
      if (row == 1) {
        for (int i = 0; i < n; i++) {
          dst[i] = src[rows[from + i]];
        }
      } else {
        for (int i = 0; i < n; i++) {
          System.arraycopy(src, rows[from + i] * row, dst, i * row, row);
        }
      }
      return Tensor.ofLongs(dst, shape);
    }
    float[] src = t.floats();
    float[] dst = new float[n * row];
    if (row == 1) {
      // Labels and scalar targets: a plain loop beats one arraycopy call per element.
      for (int i = 0; i < n; i++) {
        dst[i] = src[rows[from + i]];
      }
    } else {
      for (int i = 0; i < n; i++) {
        System.arraycopy(src, rows[from + i] * row, dst, i * row, row);
      }
    }
    return t.dtype() == DType.BOOL ? Tensor.ofBool(dst, shape) : Tensor.of(dst, shape);
  }
}
