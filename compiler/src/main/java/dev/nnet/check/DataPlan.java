package dev.nnet.check;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import dev.nnet.runtime.backend.Backend;
import dev.nnet.runtime.data.Dataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to load a {@code data} declaration, worked out without reading any file: the source, the
 * typed schema of its samples, the per-sample field graph (the field expressions traced once over
 * the schema's types; one output per field) and the splits as unresolved row ranges. The checker
 * builds it; {@code train}, {@code eval} and {@code predict} load it with {@link DataLoader}.
 *
 * @param name the data set's name
 * @param source the source expression's value ({@code csv(...)} or {@code mnist(...)}), with its span
 * @param schema what the source gives per sample
 * @param fields the field graph: one input per schema variable, one output per field
 * @param fieldSignature the field graph's slots: schema variables are batch inputs, fields are outputs
 * @param fieldTypes each field's per-sample type (its declared type, else the traced one); concrete
 * @param fieldSpans each field's expression, where a field that does not fit the file is reported
 * @param splits the splits, in order; {@code train} over the first part when none is declared
 */
public record DataPlan(
    String name,
    DataSourceSpec source,
    SourceSchema schema,
    Graph fields,
    Signature fieldSignature,
    Map<String, TensorType> fieldTypes,
    Map<String, SourceSpan> fieldSpans,
    List<SplitPlan> splits) {

  public DataPlan {
    fieldTypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fieldTypes));
    fieldSpans = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fieldSpans));
    splits = List.copyOf(splits);
  }

  /** The directory relative paths of the source are resolved against: that of the .nnet file declaring it. */
  public Path baseDir() {
    Path parent = Path.of(source.span().file()).toAbsolutePath().getParent();
    return parent != null ? parent : Path.of("").toAbsolutePath();
  }

  /** Reads the source, computes the fields on {@code backend} and splits the rows: one data set per split. */
  public Map<String, Dataset> load(Backend backend) throws DataLoadError {
    return DataLoader.load(this, baseDir(), backend);
  }
}
