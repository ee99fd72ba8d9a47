package dev.nnet.runtime.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * A loop nest over a shape that reads or writes several operands, each through its own strides
 * (0 where it is broadcast). Adjacent axes that every operand walks contiguously are merged, so a
 * same-shape elementwise op becomes one long row and a bias add becomes rows of the bias length;
 * kernels then run a simple inner loop per row, which the JIT compiles well.
 *
 * <p>Rows are numbered {@code 0..rows()-1} in row-major order; {@link #offsets} gives where each
 * operand starts for a row, so rows can be split across threads.
 */
final class StridedLoop {
  private final int[] outer; // sizes of the outer axes, outermost first
  private final int[][] outerStrides; // [operand][axis]
  private final int rowLength;
  private final int[] rowStrides; // [operand]
  private final int rows;

  /** A loop over {@code shape}; {@code strides[k]} are operand k's element strides, one per axis. */
  StridedLoop(int[] shape, int[]... strides) {
    int ops = strides.length;
    List<Integer> dims = new ArrayList<>();
    List<int[]> st = new ArrayList<>();
    for (int axis = 0; axis < shape.length; axis++) {
      if (shape[axis] == 1) {
        continue; // size-1 axes never move any operand
      }
      int[] s = new int[ops];
      for (int k = 0; k < ops; k++) {
        s[k] = strides[k][axis];
      }
      int last = dims.size() - 1;
      if (last >= 0 && mergeable(st.get(last), s, shape[axis])) {
        dims.set(last, dims.get(last) * shape[axis]);
        st.set(last, s);
      } else {
        dims.add(shape[axis]);
        st.add(s);
      }
    }
    boolean empty = false;
    for (int d : shape) {
      empty |= d == 0;
    }
    if (dims.isEmpty()) {
      dims.add(1);
      st.add(new int[ops]);
    }
    int n = dims.size();
    this.outer = new int[n - 1];
    this.outerStrides = new int[ops][n - 1];
    int r = 1;
    for (int i = 0; i < n - 1; i++) {
      outer[i] = dims.get(i);
      r *= outer[i];
      for (int k = 0; k < ops; k++) {
        outerStrides[k][i] = st.get(i)[k];
      }
    }
    this.rowLength = empty ? 0 : dims.get(n - 1);
    this.rowStrides = st.get(n - 1).clone();
    this.rows = empty ? 0 : r;
  }

  /** Axis with strides {@code inner} (size {@code innerSize}) folds into the axis before it with strides {@code prev}. */
  private static boolean mergeable(int[] prev, int[] inner, int innerSize) {
    for (int k = 0; k < prev.length; k++) {
      if (prev[k] != inner[k] * innerSize) {
        return false;
      }
    }
    return true;
  }

  int rows() {
    return rows;
  }

  int rowLength() {
    return rowLength;
  }

  /** Operand {@code k}'s stride along a row. */
  int rowStride(int k) {
    return rowStrides[k];
  }

  /** Writes into {@code offsets} where each operand's elements for {@code row} start. */
  void offsets(int row, int[] offsets) {
    java.util.Arrays.fill(offsets, 0);
    for (int i = outer.length - 1; i >= 0; i--) {
      int idx = row % outer[i];
      row /= outer[i];
      for (int k = 0; k < offsets.length; k++) {
        offsets[k] += idx * outerStrides[k][i];
      }
    }
  }
}
