package dev.nnet.check;

import dev.nnet.ir.SourceSpan;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where each int value of one check was written: its literal, or the expression that computed it.
 * Keyed by identity, since a name, a parameter, a {@code let} or an argument passes the very value
 * on; so a help can point at the {@code 6} of {@code MultiHeadAttention(64, 6)} when {@code heads}
 * turns out not to divide {@code d_model}. Shared by the tracers of one check, since a top-level
 * {@code let} is evaluated by another tracer than the model that reads it.
 */
final class IntOrigins {
  private final Map<Val, SourceSpan> written = new IdentityHashMap<>();

  /** Records that {@code value} was written at {@code span}, unless it was written earlier. */
  void record(Val value, SourceSpan span) {
    if (value instanceof Val.Int) {
      written.putIfAbsent(value, span);
    }
  }

  /** Where an int value was written, or null when not known. */
  SourceSpan of(Val value) {
    return written.get(value);
  }
}
