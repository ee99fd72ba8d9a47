package dev.nnet.check;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/**
 * A split of a data declaration, such as {@code test = rows[1500..]}: the part it selects from and
 * the row ranges applied to it in order, resolved against the part's row count when the data is
 * loaded.
 */
public record SplitPlan(String name, String part, List<RowRange> ranges, SourceSpan span) {
  public SplitPlan {
    ranges = List.copyOf(ranges);
  }
}
