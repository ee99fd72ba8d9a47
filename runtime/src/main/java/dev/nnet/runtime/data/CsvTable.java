package dev.nnet.runtime.data;

import dev.nnet.runtime.Tensor;
import java.nio.file.Path;
import java.util.List;

/**
 * A numeric CSV file as read by {@link CsvReader}: an f32 matrix {@code [rows, columns]} and the
 * header names, if the file had a header row. Also remembers the line each row came from, so that
 * later conversions (such as labels that must be whole numbers) can still point at the file.
 */
public final class CsvTable {
  private final Path file;
  private final List<String> header;
  private final Tensor values;
  private final int[] lineOfRow;

  CsvTable(Path file, List<String> header, Tensor values, int[] lineOfRow) {
    this.file = file;
    this.header = List.copyOf(header);
    this.values = values;
    this.lineOfRow = lineOfRow;
  }

  /** The file the table was read from. */
  public Path file() {
    return file;
  }

  /** The header names, or an empty list when the file had no header row. */
  public List<String> header() {
    return header;
  }

  /** All cells as an f32 tensor {@code [rows, columns]} (the table's own array, not a copy). */
  public Tensor values() {
    return values;
  }

  public int rows() {
    return values.dim(0);
  }

  public int columns() {
    return values.dim(1);
  }

  /** The 1-based line of the file that row {@code row} (0-based) came from. */
  public int lineOf(int row) {
    return lineOfRow[row];
  }

  /** The index of the column named {@code name} in the header. */
  public int columnIndex(String name) {
    int i = header.indexOf(name);
    if (i < 0) {
      String known = header.isEmpty() ? "the file has no header row, so columns have no names" : "its columns are " + header;
      throw DataError.inFile(file, "no column named \"" + name + "\"; " + known);
    }
    return i;
  }

  /** Columns {@code from} (inclusive) to {@code to} (exclusive) as a new f32 tensor {@code [rows, to - from]}. */
  public Tensor columns(int from, int to) {
    int cols = columns();
    if (from < 0 || to > cols || from > to) {
      throw new IndexOutOfBoundsException("columns " + from + ".." + to + " of a table with " + cols + " columns");
    }
    int width = to - from;
    float[] src = values.floats();
    float[] out = new float[rows() * width];
    for (int r = 0; r < rows(); r++) {
      System.arraycopy(src, r * cols + from, out, r * width, width);
    }
    return Tensor.of(out, rows(), width);
  }

  /** Column {@code index} as a new f32 tensor {@code [rows]}. */
  public Tensor column(int index) {
    return columns(index, index + 1).reshape(rows());
  }

  /**
   * Column {@code index} as a new i64 tensor {@code [rows]}, the dtype of class labels. Every value
   * must be a whole number; the first that is not is reported with its line.
   */
  public Tensor columnAsLongs(int index) {
    float[] col = column(index).floats();
    long[] out = new long[col.length];
    for (int r = 0; r < col.length; r++) {
      float v = col[r];
      if (v != Math.rint(v) || Float.isInfinite(v)) {
        String name = header.isEmpty() ? "" : " (\"" + header.get(index) + "\")";
        throw DataError.at(
            file,
            lineOfRow[r],
            0,
            "column " + (index + 1) + name + " holds " + v + ", but it is read as integer labels, which must be whole numbers");
      }
      out[r] = (long) v;
    }
    return Tensor.ofLongs(out, col.length);
  }
}
