package dev.nnet.front.ast;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/** Top-level declarations of a file. */
public sealed interface Decl {
  String name();

  SourceSpan span();

  /** Where the name is written, for go-to-definition and diagnostics. */
  SourceSpan nameSpan();

  /** {@code layer} or {@code model} (a model is a layer that can be trained on its own). */
  record Layer(String name, boolean isModel, List<HyperParam> params, List<Member> members, SourceSpan span,
      SourceSpan nameSpan) implements Decl {
    public Layer {
      params = List.copyOf(params);
      members = List.copyOf(members);
    }

    public Member.Forward forward() {
      return members.stream().filter(m -> m instanceof Member.Forward).map(m -> (Member.Forward) m)
          .findFirst().orElse(null);
    }
  }

  /** A hyperparameter of a layer: {@code in: int}, {@code bias: bool = true}. */
  record HyperParam(String name, TypeRef type, Expr defaultValue, SourceSpan span) {}

  /** {@code fn relu(x) = ...}. */
  record Fn(Member.FnDecl fn, SourceSpan span) implements Decl {
    public String name() {
      return fn.name();
    }

    public SourceSpan nameSpan() {
      return fn.nameSpan();
    }
  }

  /** {@code data digits = csv("digits.csv") { image: [64] = ...; split train = ... }}. */
  record Data(String name, Expr source, List<DataField> fields, List<Split> splits, SourceSpan span,
      SourceSpan nameSpan) implements Decl {
    public Data {
      fields = List.copyOf(fields);
      splits = List.copyOf(splits);
    }
  }

  record DataField(String name, TypeRef type, Expr value, SourceSpan span) {}

  record Split(String name, Expr value, SourceSpan span) {}

  /** {@code train Mlp() on digits { loss = ...; optimizer = ...; fn step(...) {...} }}. */
  record Train(Expr model, String data, List<Setting> settings, List<Member.FnDecl> steps, SourceSpan span,
      SourceSpan nameSpan, SourceSpan dataSpan) implements Decl {
    public Train {
      settings = List.copyOf(settings);
      steps = List.copyOf(steps);
    }

    public String name() {
      return "train";
    }

    public Setting setting(String key) {
      return settings.stream().filter(s -> s.name().equals(key)).findFirst().orElse(null);
    }
  }

  record Setting(String name, Expr value, SourceSpan span, SourceSpan nameSpan) {}

  /** {@code let classes = 10} at top level. */
  record Let(String name, Expr value, SourceSpan span, SourceSpan nameSpan) implements Decl {}
}
