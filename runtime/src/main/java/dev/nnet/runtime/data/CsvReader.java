package dev.nnet.runtime.data;

import dev.nnet.runtime.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads numeric CSV files, plain or gzipped, into a {@link CsvTable}: an f32 matrix {@code [rows,
 * columns]} plus the header names when there is a header row.
 *
 * <p>What it accepts: one row per line ({@code \n}, {@code \r\n}); a configurable one-character
 * delimiter (comma by default); cells that are numbers as Java writes them ({@code 3}, {@code -0.5},
 * {@code 1e-3}, {@code .5}) or {@code nan}/{@code inf}/{@code infinity} in any case and with a sign;
 * spaces around cells; cells in double quotes (with {@code ""} for a quote inside); blank lines,
 * which are skipped; a UTF-8 byte order mark. Quoted cells may not span lines.
 *
 * <p>Every error is a {@link DataError} located at {@code file:line:column} (1-based), naming the
 * offending cell's text, or the expected and actual number of cells. Instances are immutable; the
 * {@code delimiter} and {@code header} methods return changed copies.
 */
public final class CsvReader {
  /** Whether the first row holds column names. */
  public enum Header {
    /** The first row is a header if none of its cells is a number. */
    AUTO,
    /** The first row is a header. */
    PRESENT,
    /** There is no header; the first row is data. */
    ABSENT
  }

  /**
   * The longest line read, in characters: a CSV row of numbers is far shorter, and a file without
   * line breaks ({@code /dev/zero}, a binary file) would otherwise become one string the size of
   * the heap.
   */
  static final int MAX_LINE = 1 << 24;
  /** The longest cell text a message repeats; messages show nothing else of a file's contents. */
  private static final int SHOWN_CELL = 24;

  private final char delimiter;
  private final Header header;
  private final boolean allowNonFinite;

  private CsvReader(char delimiter, Header header, boolean allowNonFinite) {
    this.delimiter = delimiter;
    this.header = header;
    this.allowNonFinite = allowNonFinite;
  }

  /** A reader for comma-separated files whose header row is detected automatically. */
  public static CsvReader create() {
    return new CsvReader(',', Header.AUTO, false);
  }

  /**
   * The same reader accepting (or not, the default) the cells {@code nan} and {@code inf}: a
   * non-finite input usually is a hole in the data, and one would make every loss NaN.
   */
  public CsvReader allowNonFinite(boolean allow) {
    return new CsvReader(delimiter, header, allow);
  }

  /** The same reader with another delimiter, such as {@code ';'} or {@code '\t'}. */
  public CsvReader delimiter(char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || Character.isLetterOrDigit(delimiter)
        || delimiter == '.' || delimiter == '-' || delimiter == '+') {
      throw new IllegalArgumentException("'" + delimiter + "' cannot separate numeric cells; use ',', ';', '\\t', ' ' or '|'");
    }
    return new CsvReader(delimiter, header, allowNonFinite);
  }

  /** The same reader with another header rule. */
  public CsvReader header(Header header) {
    return new CsvReader(delimiter, header, allowNonFinite);
  }

  /** Reads the whole of {@code file}. */
  public CsvTable read(Path file) {
    DataFileInput.checkReadable(file);
    boolean gzip = DataFileInput.isGzip(file);
    try (InputStream in = DataFileInput.open(file)) {
      // REPORT instead of the default REPLACE, so a binary file fails loudly instead of as "not a number".
      BufferedReader lines = new BufferedReader(new LineLengthGuard(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)), file));
      return new Pass(file).run(lines);
    } catch (CharacterCodingException e) {
      throw DataError.inFile(file, "contains bytes that are not UTF-8 text; is it a binary file (such as IDX or NPY) rather than CSV?", e);
    } catch (IOException e) {
      throw DataFileInput.failure(file, e, gzip);
    }
  }

  private String delimiterName() {
    return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
  }

  /** One read of one file: the cells of the current line and the values gathered so far. */
  private final class Pass {
    private final Path file;
    private final List<String> names = new ArrayList<>(); // header names; empty without a header
    private String line;
    private int lineNo;

    // The cells of the current line: where each starts (1-based column, for messages) and the
    // range [start, end) of its text in the line, without surrounding spaces or quotes.
    private int count;
    private int[] columnOf = new int[16];
    private int[] start = new int[16];
    private int[] end = new int[16];
    private boolean[] quoted = new boolean[16];

    private float parsed; // the result of the last successful parseNumber

    private float[] values = new float[1024];
    private int[] lineOfRow = new int[64];
    private int rows;

    Pass(Path file) {
      this.file = file;
    }

    CsvTable run(BufferedReader reader) throws IOException {
      int columns = -1;
      int widthLine = 0; // the line that fixed the number of columns, for messages
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        split();
        if (columns < 0) {
          columns = count;
          widthLine = lineNo;
          if (isHeader()) {
            for (int i = 0; i < count; i++) {
              names.add(text(i));
            }
            continue;
          }
        } else if (count != columns) {
          throw wrongWidth(columns, widthLine);
        }
        addRow(columns);
      }
      if (columns < 0) {
        throw DataError.at(file, 1, 1, "file is empty; expected rows of numbers separated by " + delimiterName());
      }
      if (rows == 0) {
        throw DataError.at(file, widthLine, 1, "has a header row but no data rows below it");
      }
      Tensor t = Tensor.of(Arrays.copyOf(values, rows * columns), rows, columns);
      return new CsvTable(file, names, t, Arrays.copyOf(lineOfRow, rows));
    }

    private boolean isHeader() {
      if (header != Header.AUTO) {
        return header == Header.PRESENT;
      }
      for (int i = 0; i < count; i++) {
        if (start[i] == end[i] || parseNumber(i)) {
          return false;
        }
      }
      return true;
    }

    private void addRow(int columns) {
      if ((long) (rows + 1) * columns > Integer.MAX_VALUE - 8) {
        throw DataError.at(file, lineNo, 1, "too many cells for one table (more than 2^31); split the file");
      }
      if ((rows + 1) * columns > values.length) {
        values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(2L * values.length, (long) (rows + 1) * columns)));
      }
      if (rows == lineOfRow.length) {
        lineOfRow = Arrays.copyOf(lineOfRow, 2 * rows);
      }
      int base = rows * columns;
      for (int i = 0; i < columns; i++) {
        if (start[i] == end[i]) {
          throw DataError.at(file, lineNo, columnOf[i], "the cell in " + describeColumn(i) + " is empty; every cell must hold a number");
        }
        if (!parseNumber(i)) {
          throw notANumber(i);
        }
        if (!allowNonFinite && !Float.isFinite(parsed)) {
          throw DataError.at(file, lineNo, columnOf[i], "the cell in " + describeColumn(i) + " is " + parsed
              + ", not a finite number (one would make every loss NaN); fill the hole in the data, or pass "
              + "`allow_nan = true` to the source if the data means it (`allow_nan = [\"field\", ...]` for "
              + "the fields that read this column only)");
        }
        values[base + i] = parsed;
      }
      lineOfRow[rows++] = lineNo;
    }

    /** Splits {@link #line} into cells, honouring quotes. */
    private void split() {
      count = 0;
      int n = line.length();
      int pos = 0;
      while (true) {
        int p = skipBlanks(pos);
        if (p < n && line.charAt(p) == '"') {
          int q = p + 1;
          while (true) {
            if (q >= n) {
              throw DataError.at(file, lineNo, p + 1, "this quote is never closed; add the closing '\"' before the end of the line");
            }
            if (line.charAt(q) == '"') {
              if (q + 1 < n && line.charAt(q + 1) == '"') {
                q += 2; // "" is a quote inside a quoted cell
                continue;
              }
              break;
            }
            q++;
          }
          addCell(p + 1, p + 1, q, true);
          int after = skipBlanks(q + 1);
          if (after < n && line.charAt(after) != delimiter) {
            throw DataError.at(file, lineNo, after + 1,
                "unexpected text after the closing quote of a cell; a quoted cell must be followed by " + delimiterName() + " or the end of the line");
          }
          pos = after;
        } else {
          int q = p;
          while (q < n && line.charAt(q) != delimiter) {
            q++;
          }
          int e = q;
          while (e > p && isBlank(line.charAt(e - 1))) {
            e--;
          }
          addCell(p + 1, p, e, false);
          pos = q;
        }
        if (pos >= n) {
          return;
        }
        pos++; // past the delimiter; a delimiter at the very end leaves one more, empty, cell
      }
    }

    private int skipBlanks(int pos) {
      while (pos < line.length() && isBlank(line.charAt(pos))) {
        pos++;
      }
      return pos;
    }

    private boolean isBlank(char c) {
      return (c == ' ' || c == '\t') && c != delimiter;
    }

    private void addCell(int column, int from, int to, boolean isQuoted) {
      if (count == start.length) {
        columnOf = Arrays.copyOf(columnOf, 2 * count);
        start = Arrays.copyOf(start, 2 * count);
        end = Arrays.copyOf(end, 2 * count);
        quoted = Arrays.copyOf(quoted, 2 * count);
      }
      columnOf[count] = column;
      start[count] = from;
      end[count] = to;
      quoted[count] = isQuoted;
      count++;
    }

    /** The text of cell {@code i}, unquoted. */
    private String text(int i) {
      String s = line.substring(start[i], end[i]);
      return quoted[i] ? s.replace("\"\"", "\"").strip() : s;
    }

    /** Parses cell {@code i} into {@link #parsed}; false if it is not a number. */
    private boolean parseNumber(int i) {
      if (quoted[i]) {
        String s = text(i);
        return parseNumber(s, 0, s.length());
      }
      return parseNumber(line, start[i], end[i]);
    }

    private boolean parseNumber(String s, int from, int to) {
      // Fast path: plain integers of up to 9 digits (pixels, labels, counts) need no String.
      int i = from;
      boolean negative = false;
      if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        negative = s.charAt(i) == '-';
        i++;
      }
      if (i < to && to - i <= 9) {
        int v = 0;
        int k = i;
        while (k < to && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
          v = v * 10 + (s.charAt(k) - '0');
          k++;
        }
        if (k == to) {
          parsed = negative ? -v : v;
          return true;
        }
      }
      String word = s.substring(i, to).toLowerCase(Locale.ROOT);
      if (word.equals("nan")) {
        parsed = Float.NaN;
        return true;
      }
      if (word.equals("inf") || word.equals("infinity")) {
        parsed = negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        return true;
      }
      // Float.parseFloat also takes hex, "1f" and "2d"; allow only the characters of decimal numbers.
      for (int k = from; k < to; k++) {
        char c = s.charAt(k);
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
          return false;
        }
      }
      try {
        parsed = Float.parseFloat(s.substring(from, to));
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    /**
     * "column 3", or "column 3 ("weight")" when the header names it with a short name. Other
     * header text is left out: a message shows the offending cell and nothing else of the file
     * (whose first line might be anything, such as a password hash when the path is wrong).
     */
    private String describeColumn(int i) {
      boolean named = i < names.size() && names.get(i).length() <= 40 && names.get(i).matches("[\\p{L}\\p{N}_ .()\\-]+");
      return "column " + (i + 1) + (named ? " (\"" + names.get(i) + "\")" : "");
    }

    private DataError notANumber(int i) {
      String text = text(i);
      boolean binary = text.chars().anyMatch(c -> c < 0x20 && c != '\t');
      // Only a short cell is shown: a long one is likely a whole line of a file that is not CSV.
      String shown = binary ? "the cell" : text.length() <= SHOWN_CELL ? "cell \"" + text + "\""
          : "the cell of " + text.length() + " characters";
      StringBuilder msg = new StringBuilder(shown).append(" in ")
          .append(describeColumn(i)).append(" is not a number; every cell must hold a number such as 3, -0.5 or 1e-3");
      if (binary) {
        msg.append(". The file looks binary, not like CSV text");
      } else {
        for (char other : new char[] {',', ';', '\t', '|'}) {
          if (other != delimiter && text.indexOf(other) >= 0) {
            msg.append(". The cell contains ").append(other == '\t' ? "a tab" : "'" + other + "'")
                .append(": if the file is separated by ").append(other == '\t' ? "tabs" : "'" + other + "'")
                .append(", set that as the delimiter");
            break;
          }
        }
      }
      if (header == Header.AUTO && rows == 0 && names.isEmpty()) {
        msg.append(". If line ").append(lineNo).append(" is a header row, declare that the file has a header");
      }
      return DataError.at(file, lineNo, columnOf[i], msg.toString());
    }

    private DataError wrongWidth(int expected, int widthLine) {
      String like = !names.isEmpty() ? "the header on line " + widthLine + " names " + expected : "line " + widthLine + " has " + expected;
      String msg = "this row has " + count + (count == 1 ? " cell" : " cells") + ", expected " + expected + " (" + like + ")";
      if (count == expected + 1 && start[count - 1] == end[count - 1] && !quoted[count - 1]) {
        msg += "; the line ends with " + delimiterName() + ", which adds an empty cell: remove it";
      } else if (count == 1 && expected > 1) {
        msg += "; is this line separated by something other than " + delimiterName() + "?";
      }
      int column = count > expected ? columnOf[expected] : line.length() + 1;
      return DataError.at(file, lineNo, column, msg);
    }

  }
}
