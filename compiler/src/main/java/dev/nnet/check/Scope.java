package dev.nnet.check;

import java.util.LinkedHashMap;
import java.util.Map;

/** Names visible at a point of the program, chained to the enclosing scope. */
final class Scope {
  private final Scope parent;
  private final Map<String, Val> values = new LinkedHashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Val lookup(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      Val v = s.values.get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  boolean definesLocally(String name) {
    return values.containsKey(name);
  }

  void define(String name, Val value) {
    values.put(name, value);
  }

  Map<String, Val> locals() {
    return values;
  }

  /** Every name visible here, innermost first (for "did you mean" suggestions and completion). */
  java.util.Set<String> visibleNames() {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (Scope s = this; s != null; s = s.parent) {
      names.addAll(s.values.keySet());
    }
    return names;
  }
}
