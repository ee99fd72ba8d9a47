package dev.nnet.front.ast;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/** A written type: a named type ({@code int}, {@code list[int]}) or a tensor type. */
public sealed interface TypeRef {
  SourceSpan span();

  record Named(String name, List<TypeRef> args, SourceSpan span) implements TypeRef {
    public Named {
      args = List.copyOf(args);
    }
  }

  /** {@code i64[N, T]}; {@code dtype} is null when not written (f32). */
  record Tensor(String dtype, List<DimRef> dims, SourceSpan span) implements TypeRef {
    public Tensor {
      dims = List.copyOf(dims);
    }
  }

  /** One dimension of a tensor type. */
  sealed interface DimRef {
    SourceSpan span();

    /** {@code *B}: any number of leading dims, bound as a group. */
    record Variadic(String name, SourceSpan span) implements DimRef {}

    /** {@code N}, {@code 784}, {@code 4 * hidden}. */
    record Of(Expr expr, SourceSpan span) implements DimRef {}
  }
}
