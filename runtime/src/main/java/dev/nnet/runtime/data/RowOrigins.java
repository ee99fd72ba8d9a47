package dev.nnet.runtime.data;

import java.nio.file.Path;

/**
 * Where each row of a {@link Dataset} was read from: a file and, per row, its line (a text file)
 * or its record index (a binary file), so that a problem found in a row, such as a label out of
 * range, names the file and row rather than a batch position.
 *
 * @param file the data file
 * @param lines whether {@code positions} are 1-based lines (else 0-based record indices)
 * @param positions the line or record of each row, in the data set's row order
 */
public record RowOrigins(Path file, boolean lines, int[] positions) {
  /** The origins of rows {@code rows[from..to)}, in that order. */
  RowOrigins select(int[] rows, int from, int to) {
    int[] picked = new int[to - from];
    for (int i = from; i < to; i++) {
      picked[i - from] = positions[rows[i]];
    }
    return new RowOrigins(file, lines, picked);
  }

  /** The origins of rows {@code from..to}. */
  RowOrigins slice(int from, int to) {
    return new RowOrigins(file, lines, java.util.Arrays.copyOfRange(positions, from, to));
  }

  /** A {@link DataError} about row {@code row}, located at its line or record. */
  public DataError error(int row, String problem) {
    return lines ? DataError.at(file, positions[row], 0, problem)
        : DataError.inFile(file, "record " + positions[row] + ": " + problem);
  }
}
