package dev.nnet.check;

import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Shape;
import dev.nnet.ir.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a data source gives, known without reading it: the names of its parts (the row sets that
 * splits select from) and the type of each per-sample variable the field expressions read. A size
 * that only the file can tell, such as the column count of a CSV file, is a dimension symbol; it
 * gets its value when the data is loaded.
 *
 * @param parts the parts, in order; the first is the training data when no split is declared
 * @param sample each per-sample variable and its type
 */
public record SourceSchema(List<String> parts, Map<String, TensorType> sample) {
  /** The symbol for the column count of a CSV file. */
  static final String CSV_COLUMNS = "C";
  /** The per-sample variable of a CSV source: the numbers of one line. */
  static final String CSV_ROW = "row";

  public SourceSchema {
    parts = List.copyOf(parts);
    sample = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sample));
  }

  /**
   * The schema of {@code spec}: {@code csv(path)} has one part, {@code rows}, whose samples are
   * {@code row: f32[C]}; {@code mnist(dir)} has the parts {@code train} and {@code test}, whose
   * samples are {@code pixels: f32[28, 28]} (the raw bytes 0..255 as f32) and {@code label: i64}.
   */
  static SourceSchema of(DataSourceSpec spec) {
    return switch (spec.kind()) {
      case "csv" -> new SourceSchema(List.of("rows"),
          Map.of(CSV_ROW, TensorType.f32(Shape.of(Dim.symbol(CSV_COLUMNS)))));
      case "mnist" -> {
        Map<String, TensorType> sample = new LinkedHashMap<>();
        sample.put("pixels", TensorType.f32(Shape.of(28, 28)));
        sample.put("label", new TensorType(DType.I64, Shape.scalar()));
        yield new SourceSchema(List.of("train", "test"), sample);
      }
      default -> throw new IllegalArgumentException("unknown source " + spec.kind());
    };
  }

  /** What the schema's dimension symbols stand for, for the "bindings" line of diagnostics. */
  static String symbolOrigin(DataSourceSpec spec) {
    return "the number of columns of `" + spec.path() + "` (known when the file is read)";
  }
}
