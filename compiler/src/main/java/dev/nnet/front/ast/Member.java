package dev.nnet.front.ast;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/** A member of a layer or model body. */
public sealed interface Member {
  SourceSpan span();

  String name();

  /** {@code param w: [out, in] = xavier_uniform if bias}; {@code buffer} when not trainable. */
  record Param(String name, boolean trainable, TypeRef.Tensor type, Expr init, Expr condition, SourceSpan span,
      SourceSpan nameSpan) implements Member {}

  /** {@code fc1 = Linear(784, 256)} or {@code hidden = 4 * d}. */
  record Field(String name, Expr value, SourceSpan span, SourceSpan nameSpan) implements Member {}

  /** {@code forward(x: [N, in]) -> [N, out] = ...}. */
  record Forward(FnDecl fn, SourceSpan span) implements Member {
    public String name() {
      return "forward";
    }
  }

  /** A helper function local to the layer. */
  record Method(FnDecl fn, SourceSpan span) implements Member {
    public String name() {
      return fn.name();
    }
  }

  /** A function's signature and body; shared by {@code fn}, {@code forward} and training steps. */
  record FnDecl(String name, List<Param> params, TypeRef result, Expr body, SourceSpan span, SourceSpan nameSpan) {
    public FnDecl {
      params = List.copyOf(params);
    }

    /** A parameter: {@code x: [N, in]}, {@code p: float = 0.5}. Type and default may be null. */
    public record Param(String name, TypeRef type, Expr defaultValue, SourceSpan span) {}
  }
}
