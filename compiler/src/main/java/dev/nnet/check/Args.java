package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluated call arguments: positional values and named ones, each with its source span, and
 * typed accessors that report a located error when an argument is missing or of the wrong kind.
 */
final class Args {
  record Arg(String name, Val value, SourceSpan span) {}

  private final String callee;
  private final SourceSpan callSpan;
  private final List<Arg> positional = new ArrayList<>();
  private final Map<String, Arg> named = new LinkedHashMap<>();

  Args(String callee, SourceSpan callSpan) {
    this.callee = callee;
    this.callSpan = callSpan;
  }

  static Args of(String callee, SourceSpan span, Val... values) {
    Args a = new Args(callee, span);
    for (Val v : values) {
      a.add(null, v, span);
    }
    return a;
  }

  void add(String name, Val value, SourceSpan span) {
    Arg a = new Arg(name, value, span);
    if (name == null) {
      positional.add(a);
    } else {
      named.put(name, a);
    }
  }

  /** A copy with {@code first} put before the positional arguments (for {@code x |> f(a)}). */
  Args prepend(Val first, SourceSpan span) {
    Args a = new Args(callee, callSpan);
    a.positional.add(new Arg(null, first, span));
    a.positional.addAll(positional);
    a.named.putAll(named);
    return a;
  }

  Args renamed(String newCallee) {
    Args a = new Args(newCallee, callSpan);
    a.positional.addAll(positional);
    a.named.putAll(named);
    return a;
  }

  List<Arg> positional() {
    return positional;
  }

  Map<String, Arg> named() {
    return named;
  }

  String callee() {
    return callee;
  }

  SourceSpan callSpan() {
    return callSpan;
  }

  int size() {
    return positional.size() + named.size();
  }

  /** The argument at {@code index} or named {@code name}; null if absent. */
  Arg find(int index, String name) {
    Arg a = named.get(name);
    if (a != null) {
      return a;
    }
    return index >= 0 && index < positional.size() ? positional.get(index) : null;
  }

  Arg require(int index, String name) throws CheckError {
    Arg a = find(index, name);
    if (a == null) {
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, callSpan,
          "`" + callee + "` needs an argument `" + name + "`").withLabel("missing `" + name + "`"));
    }
    return a;
  }

  /** Rejects positional arguments past {@code max} and named ones not in {@code allowed}. */
  void expectAtMost(int max, String... allowed) throws CheckError {
    if (positional.size() > max) {
      Arg extra = positional.get(max);
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, extra.span(),
          "`" + callee + "` takes at most " + max + " positional argument" + (max == 1 ? "" : "s")
              + ", got " + positional.size()).withLabel("unexpected argument"));
    }
    for (String n : named.keySet()) {
      if (!List.of(allowed).contains(n)) {
        throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, named.get(n).span(),
            "`" + callee + "` has no parameter named `" + n + "`").withLabel("unknown parameter")
            .withHelp(allowed.length == 0 ? "remove it" : "its parameters are " + String.join(", ", allowed)));
      }
    }
  }

  /**
   * Checks these arguments against a declared parameter list: no more positional arguments than
   * parameters, and no named argument that is not one of them. {@code countNoun} and
   * {@code nameNoun} word the messages ("argument"/"parameter" for functions, "hyperparameter"
   * for layers).
   */
  void matchParameters(List<String> names, String countNoun, String nameNoun, SourceSpan definedAt)
      throws CheckError {
    if (positional.size() > names.size()) {
      Arg extra = positional.get(names.size());
      throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, extra.span(),
          "`" + callee + "` takes " + names.size() + " " + countNoun + (names.size() == 1 ? "" : "s")
              + ", got " + positional.size()).withLabel("unexpected argument")
          .withRelated(definedAt, "defined here"));
    }
    for (String n : named.keySet()) {
      if (!names.contains(n)) {
        throw new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_COUNT, named.get(n).span(),
            "`" + callee + "` has no " + nameNoun + " named `" + n + "`").withLabel("unknown " + nameNoun)
            .withHelp("its " + nameNoun + "s are " + String.join(", ", names)));
      }
    }
  }

  Val.Tensor tensor(int index, String name) throws CheckError {
    Arg a = require(index, name);
    if (a.value() instanceof Val.Tensor t) {
      return t;
    }
    throw wrongKind(a, name, "a tensor");
  }

  long intValue(int index, String name, Long fallback) throws CheckError {
    Arg a = find(index, name);
    if (a == null && fallback != null) {
      return fallback;
    }
    a = require(index, name);
    if (a.value() instanceof Val.Int i && i.value().isConstant()) {
      return i.value().constant();
    }
    throw wrongKind(a, name, "a constant int");
  }

  Dim dim(int index, String name) throws CheckError {
    Arg a = require(index, name);
    if (a.value() instanceof Val.Int i) {
      return i.value();
    }
    throw wrongKind(a, name, "an int");
  }

  double number(int index, String name, Double fallback) throws CheckError {
    Arg a = find(index, name);
    if (a == null && fallback != null) {
      return fallback;
    }
    a = require(index, name);
    if (a.value() instanceof Val.Float f) {
      return f.value();
    }
    if (a.value() instanceof Val.Int i && i.value().isConstant()) {
      return i.value().constant();
    }
    throw wrongKind(a, name, "a number");
  }

  boolean bool(int index, String name, Boolean fallback) throws CheckError {
    Arg a = find(index, name);
    if (a == null && fallback != null) {
      return fallback;
    }
    a = require(index, name);
    if (a.value() instanceof Val.Bool b) {
      return b.value();
    }
    throw wrongKind(a, name, "a bool");
  }

  String string(int index, String name, String fallback) throws CheckError {
    Arg a = find(index, name);
    if (a == null && fallback != null) {
      return fallback;
    }
    a = require(index, name);
    if (a.value() instanceof Val.Str s) {
      return s.value();
    }
    throw wrongKind(a, name, "a string");
  }

  DType dtype(int index, String name) throws CheckError {
    Arg a = require(index, name);
    if (a.value() instanceof Val.DTypeV d) {
      return d.dtype();
    }
    throw wrongKind(a, name, "a dtype (f32, i64 or bool)");
  }

  CheckError wrongKind(Arg a, String name, String wanted) {
    return new CheckError(Diagnostic.error(ErrorCode.ARGUMENT_TYPE, a.span(),
        "`" + callee + "` needs " + wanted + " for `" + name + "`, got " + a.value().describe())
        .withLabel("expected " + wanted));
  }
}
