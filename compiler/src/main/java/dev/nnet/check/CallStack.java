package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The function and layer calls being traced, outermost first. Diagnostics use it twice: an error
 * that arises inside std.nn is the user's call's (reported there, the library line as a note), and
 * evaluation nested too deep names the function that calls itself, at its recursive call.
 */
final class CallStack {
  /** One call being traced: what is called and where. */
  record Frame(String callee, SourceSpan call) {}

  private final List<Frame> frames = new ArrayList<>();

  void push(String callee, SourceSpan call) {
    frames.add(new Frame(callee, call));
  }

  void pop() {
    frames.remove(frames.size() - 1);
  }

  /** Whether a span lies in the standard library (std.nn is loaded as {@code std/nn.nnet}). */
  static boolean isLibrary(SourceSpan span) {
    return span != null && span.isKnown() && span.file().startsWith("std/");
  }

  /**
   * An error raised while tracing {@code callee}, as seen from its call: when the error lies in the
   * library and the call in the user's code, it moves to the call, and the library line becomes a
   * note. A user should never have to read std/nn.nnet to find their mistake.
   */
  static CheckError atCaller(CheckError e, String callee, SourceSpan call) {
    Diagnostic d = e.diagnostic();
    if (d == null || !isLibrary(d.span()) || call == null || !call.isKnown() || isLibrary(call)) {
      return e;
    }
    List<Diagnostic.Related> related = new ArrayList<>();
    related.add(new Diagnostic.Related(d.span(), "inside `" + callee + "`" + (d.label() == null ? "" : ": " + d.label())));
    related.addAll(d.related());
    return new CheckError(new Diagnostic(d.code(), d.severity(), "in `" + callee + "`: " + d.message(), call,
        "in this call to `" + callee + "`", related, d.bindings(), d.help()));
  }

  /**
   * Evaluation nested deeper than {@code max}: when a function is on the stack more than once, it
   * recurses without end, so the error names it at its first recursive call.
   */
  CheckError tooDeep(SourceSpan at, int max) {
    Map<String, List<Frame>> byCallee = new LinkedHashMap<>();
    for (Frame f : frames) {
      byCallee.computeIfAbsent(f.callee(), k -> new ArrayList<>()).add(f);
    }
    List<Frame> recursive = null;
    for (List<Frame> calls : byCallee.values()) {
      if (calls.size() > 1 && (recursive == null || calls.size() > recursive.size())) {
        recursive = calls;
      }
    }
    if (recursive == null) {
      return new CheckError(Diagnostic.error(ErrorCode.RECURSION, at, "evaluation nests deeper than " + max + " calls")
          .withHelp("check for a function or layer that calls itself"));
    }
    String name = recursive.get(0).callee();
    Diagnostic d = Diagnostic.error(ErrorCode.RECURSION, recursive.get(1).call(),
            "`" + name + "` calls itself without end (evaluation nests deeper than " + max + " calls)")
        .withLabel("`" + name + "` calls itself here")
        .withRelated(recursive.get(0).call(), "first called here")
        .withHelp("make the recursion stop: guard the call with `if` on a value known while checking (a "
            + "hyperparameter, a size or a counter argument) so that some call does not recurse");
    return new CheckError(d);
  }
}
