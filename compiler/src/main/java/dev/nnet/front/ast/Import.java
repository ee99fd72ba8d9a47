package dev.nnet.front.ast;

import dev.nnet.ir.SourceSpan;
import java.util.List;

/** {@code import std.nn.{Linear, Dropout}}, {@code import std.nn.*} or {@code import mylayers}. */
public record Import(String module, List<String> names, boolean all, SourceSpan span) {
  public Import {
    names = List.copyOf(names);
  }
}
