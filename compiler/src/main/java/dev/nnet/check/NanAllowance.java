package dev.nnet.check;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Expr;
import dev.nnet.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which fields of a CSV source may read NaN or infinite cells: none ({@code allow_nan = false}, the
 * default), all ({@code true}), or the fields named ({@code allow_nan = ["age", "income"]}), as a
 * pandas user names the columns of a frame. A hole in the data is usually a mistake that makes
 * every loss NaN, so a source says where it is meant.
 *
 * @param all every field may read non-finite cells
 * @param fields the fields that may, when not {@code all}
 * @param at the {@code allow_nan} argument, for errors about its names
 */
public record NanAllowance(boolean all, List<String> fields, SourceSpan at) {
  /** No field may read a non-finite cell. */
  static final NanAllowance NONE = new NanAllowance(false, List.of(), SourceSpan.NONE);

  public NanAllowance {
    fields = List.copyOf(fields);
  }

  /** The {@code allow_nan} argument of {@code csv(...)}: a bool, or a list of field names. */
  static NanAllowance of(Args a) throws CheckError {
    Args.Arg arg = a.find(-1, "allow_nan");
    if (arg == null) {
      return NONE;
    }
    if (arg.value() instanceof Val.Bool b) {
      return new NanAllowance(b.value(), List.of(), arg.span());
    }
    if (arg.value() instanceof Val.ListV list) {
      List<String> names = new ArrayList<>();
      for (Val item : list.items()) {
        if (!(item instanceof Val.Str s)) {
          throw a.wrongKind(arg, "allow_nan", "a bool or a list of field names (strings)");
        }
        names.add(s.value());
      }
      return new NanAllowance(false, names, arg.span());
    }
    throw a.wrongKind(arg, "allow_nan", "a bool or a list of field names (strings)");
  }

  /** Whether the source reads non-finite cells at all (the CSV reader then lets them through). */
  boolean any() {
    return all || !fields.isEmpty();
  }

  /** Whether field {@code name} may read non-finite cells. */
  boolean allows(String name) {
    return all || fields.contains(name);
  }

  /**
   * Each name must be a field of the data block ({@code declared}); else NNET0402 with the closest
   * one, at the name in {@code source} (the source expression as written) when it is a literal there.
   */
  void checkNames(String data, Set<String> declared, Expr source) throws CheckError {
    for (String name : fields) {
      if (!declared.contains(name)) {
        String closest = NameSuggester.closest(name, declared);
        throw new CheckError(Diagnostic.error(ErrorCode.DATA_FIELD, written(source, name), "`allow_nan` names `" + name
                + "`, which is not a field of `data " + data + "`")
            .withLabel("fields: " + String.join(", ", declared))
            .withHelp(closest != null ? "did you mean `" + closest + "`?"
                : "name the fields that may read NaN or infinite cells, such as `allow_nan = [\""
                    + declared.iterator().next() + "\"]`"));
      }
    }
  }

  /** The string literal {@code name} in the {@code allow_nan} list of {@code source}, else the argument. */
  private SourceSpan written(Expr source, String name) {
    if (source instanceof Expr.Call call) {
      for (Expr.Arg arg : call.args()) {
        if ("allow_nan".equals(arg.name()) && arg.value() instanceof Expr.ListLit list) {
          for (Expr item : list.items()) {
            if (item instanceof Expr.StringLit lit && lit.value().equals(name)) {
              return lit.span();
            }
          }
        }
      }
    }
    return at;
  }
}
