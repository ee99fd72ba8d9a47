package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Expr;
import dev.nnet.front.ast.TypeRef;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.Shape;
import dev.nnet.ir.Signature;
import dev.nnet.ir.SourceSpan;
import dev.nnet.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@code data} declaration without reading its files and turns it into a
 * {@link DataPlan}. Each field is an expression over one sample of the source's typed schema
 * ({@code row: f32[C]} of a CSV file, {@code pixels} and {@code label} of an MNIST set), traced
 * once into a small graph and checked against the field's declared type, which is the contract;
 * splits are row ranges of the source's parts, resolved when the data is loaded.
 */
final class DataLowering {
  private DataLowering() {}

  /**
   * {@code rows[0..1200]}: a sub-range of a source part. Only its form is checked here; the row
   * count is known when the data is loaded, where the range is resolved.
   */
  static Val slicePart(Val.SourcePart p, Expr.Index ix, Scope scope, Tracer tracer) throws CheckError {
    if (ix.items().size() != 1 || !(ix.items().get(0) instanceof Expr.IndexItem.Slice sl)) {
      throw Tracer.error(ErrorCode.DATA_FIELD, ix.span(), "select rows of `" + p.part() + "` with a range such as `"
          + p.part() + "[0..1000]`");
    }
    Long from = sl.from() == null ? null : tracer.intOf(tracer.eval(sl.from(), scope), sl.span());
    Long to = sl.to() == null ? null : tracer.intOf(tracer.eval(sl.to(), scope), sl.span());
    RowRange range = new RowRange(from, to, sl.span());
    if (range.reversed()) {
      throw new CheckError(Diagnostic.error(ErrorCode.DATA_FIELD, sl.span(), "rows " + from + ".." + to
          + " are reversed: the range ends before it starts").withLabel("reversed")
          .withHelp("the first row comes first: `" + p.part() + "[" + to + ".." + from + "]`, if those are the rows you mean"));
    }
    if (range.empty()) {
      throw new CheckError(Diagnostic.error(ErrorCode.DATA_FIELD, sl.span(), "rows " + from + ".." + to
          + " are empty: a range includes its start and excludes its end").withLabel("no rows")
          .withHelp("`" + p.part() + "[a..b]` selects the rows a to b - 1: give an end after the start"));
    }
    List<RowRange> ranges = new ArrayList<>(p.ranges());
    ranges.add(range);
    return new Val.SourcePart(p.part(), ranges);
  }

  /** The plan of {@code decl}; {@code types} records what each span of the checked file evaluates to. */
  static DataPlan lower(Decl.Data decl, Scope globals, Tracer outer, Map<String, dev.nnet.diag.SourceFile> sources,
      Lints lints, TypeIndex types) throws CheckError {
    Val src = outer.eval(decl.source(), globals);
    if (!(src instanceof Val.Source s)) {
      throw Tracer.error(ErrorCode.DATA_SOURCE, decl.source().span(), "`data " + decl.name()
          + "` needs a source such as `csv(\"file.csv\")` or `mnist(\"dir\")`, got " + src.describe());
    }
    SourceSchema schema = SourceSchema.of(s.spec());
    GraphBuilder g = new GraphBuilder();
    Tracer tracer = new Tracer(g, false, sources, lints, types);
    tracer.ignoresMode("a data field is computed once, when the data is loaded, in evaluation mode");
    tracer.noteSymbol(SourceSchema.CSV_COLUMNS, SourceSchema.symbolOrigin(s.spec()));
    Scope scope = new Scope(globals);
    List<Signature.InputSlot> inputs = new ArrayList<>();
    for (var e : schema.sample().entrySet()) {
      scope.define(e.getKey(), new Val.Tensor(g.input(e.getKey(), e.getValue(), decl.source().span()),
          decl.source().span()));
      inputs.add(new Signature.InputSlot(e.getKey(), Signature.InputRole.BATCH, e.getValue()));
    }
    Map<String, TensorType> fieldTypes = new LinkedHashMap<>();
    Map<String, SourceSpan> fieldSpans = new LinkedHashMap<>();
    List<Signature.OutputSlot> outputs = new ArrayList<>();
    for (Decl.DataField f : decl.fields()) {
      if (fieldSpans.containsKey(f.name())) {
        // Each field is one output of the field computation (found by fuzzing: an internal error before).
        throw new CheckError(Diagnostic.error(ErrorCode.DUPLICATE_NAME, f.span(), "field `" + f.name() + "` is defined twice")
            .withLabel("second definition").withRelated(fieldSpans.get(f.name()), "first defined here")
            .withHelp("rename one of them"));
      }
      Val v = tracer.eval(f.value(), scope);
      if (!(v instanceof Val.Tensor t)) {
        throw Tracer.error(ErrorCode.DATA_FIELD, f.value().span(), "field `" + f.name() + "` must be a tensor, got "
            + v.describe());
      }
      TensorType traced = t.value().type();
      TensorType declared = declaredType(f, tracer, scope);
      if (declared != null && !fits(traced, declared)) {
        throw new CheckError(Diagnostic.error(ErrorCode.DATA_FIELD, f.value().span(), "field `" + f.name()
            + "` is declared " + declared + " but its expression gives " + traced + " per sample")
            .withLabel("this is " + traced).withRelated(f.type().span(), "declared " + declared)
            .withHelp(declared.dtype() != traced.dtype() ? "convert with `cast(..., " + declared.dtype() + ")`"
                : "reshape or index the sample to " + declared.shape()));
      }
      if (declared == null && !traced.shape().isConcrete()) {
        throw new CheckError(Diagnostic.error(ErrorCode.DATA_FIELD, f.value().span(), "field `" + f.name()
            + "` has the shape " + traced.shape() + ", which depends on the file")
            .withLabel("this is " + traced)
            .withHelp("declare the field's type, such as `" + f.name() + ": [4] = ...`; it is checked when the file is read"));
      }
      TensorType type = declared != null ? declared : traced;
      g.output(f.name(), t.value());
      fieldTypes.put(f.name(), type);
      fieldSpans.put(f.name(), f.value().span());
      outputs.add(new Signature.OutputSlot(f.name(), Signature.OutputRole.OUTPUT, traced, null));
    }
    if (s.spec().options().get("allow_nan") instanceof NanAllowance nan) {
      nan.checkNames(decl.name(), fieldSpans.keySet(), decl.source());
    }
    Graph fieldGraph = g.build();
    Signature signature = new Signature(inputs, outputs).validate(fieldGraph);
    return new DataPlan(decl.name(), s.spec(), schema, fieldGraph, signature, fieldTypes, fieldSpans,
        splits(decl, schema, globals, tracer));
  }

  /** The declared splits as unresolved row ranges; {@code train}, all of the first part, when none is declared. */
  private static List<SplitPlan> splits(Decl.Data decl, SourceSchema schema, Scope globals, Tracer tracer)
      throws CheckError {
    Scope splitScope = new Scope(globals);
    for (String part : schema.parts()) {
      splitScope.define(part, new Val.SourcePart(part, List.of()));
    }
    List<SplitPlan> splits = new ArrayList<>();
    if (decl.splits().isEmpty()) {
      splits.add(new SplitPlan("train", schema.parts().get(0), List.of(), decl.source().span()));
    }
    for (Decl.Split sp : decl.splits()) {
      Val v = tracer.eval(sp.value(), splitScope);
      if (!(v instanceof Val.SourcePart p)) {
        throw Tracer.error(ErrorCode.DATA_FIELD, sp.value().span(), "split `" + sp.name() + "` must be rows of a part ("
            + String.join(", ", schema.parts()) + "), got " + v.describe());
      }
      splits.add(new SplitPlan(sp.name(), p.part(), p.ranges(), sp.value().span()));
    }
    return splits;
  }

  /**
   * Whether a field's traced type fits its declared one: same dtype and rank, and equal sizes
   * where the traced size is known; a size that depends on the file (a symbol such as the CSV
   * column count) is checked when the file is read.
   */
  private static boolean fits(TensorType traced, TensorType declared) {
    if (traced.dtype() != declared.dtype() || traced.rank() != declared.rank()) {
      return false;
    }
    for (int i = 0; i < traced.rank(); i++) {
      Dim t = traced.shape().dim(i);
      if (t.isConstant() && !t.equals(declared.shape().dim(i))) {
        return false;
      }
    }
    return true;
  }

  private static TensorType declaredType(Decl.DataField f, Tracer tracer, Scope scope) throws CheckError {
    if (f.type() instanceof TypeRef.Tensor t) {
      DType dtype = t.dtype() == null ? DType.F32 : DType.parse(t.dtype());
      if (dtype == null) {
        throw Tracer.error(ErrorCode.UNKNOWN_NAME, t.span(), "unknown dtype `" + t.dtype() + "`; use f32, i64 or bool");
      }
      return new TensorType(dtype, tracer.evalShape(t, scope));
    }
    if (f.type() instanceof TypeRef.Named n) {
      DType dtype = DType.parse(n.name());
      if (dtype == null) {
        throw Tracer.error(ErrorCode.UNKNOWN_NAME, n.span(), "unknown field type `" + n.name()
            + "`; write a tensor type such as `[64]` or a dtype such as `i64` for a scalar");
      }
      return new TensorType(dtype, Shape.scalar());
    }
    return null;
  }
}
