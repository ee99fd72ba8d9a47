package dev.nnet.check;

import dev.nnet.diag.ErrorCode;
import dev.nnet.front.ast.Expr;
import dev.nnet.ir.Dim;
import dev.nnet.ir.Op;
import dev.nnet.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code x[i]}, {@code x[.., 0..64]}, {@code x[..., -1]}: integer items select (and drop an axis),
 * range items slice, {@code ...} stands for all remaining axes. Lowered to slice and reshape.
 */
final class TensorIndexing {
  private TensorIndexing() {}

  static Val index(Tracer tracer, Val.Tensor t, Expr.Index ix, Scope scope) throws CheckError {
    int rank = t.value().rank();
    List<Expr.IndexItem> items = new ArrayList<>();
    for (Expr.IndexItem item : ix.items()) {
      if (item instanceof Expr.IndexItem.Ellipsis e) {
        int fill = rank - (ix.items().size() - 1);
        for (int k = 0; k < fill; k++) {
          items.add(new Expr.IndexItem.Slice(null, null, e.span()));
        }
      } else {
        items.add(item);
      }
    }
    if (items.size() > rank) {
      throw Tracer.error(ErrorCode.OP_SHAPE, ix.span(), "too many indices (" + items.size() + ") for a tensor "
          + t.value().type() + " of rank " + rank);
    }
    Val.Tensor cur = t;
    List<Integer> dropped = new ArrayList<>();
    for (int axis = 0; axis < items.size(); axis++) {
      Expr.IndexItem item = items.get(axis);
      Dim size = cur.value().shape().dim(axis);
      if (item instanceof Expr.IndexItem.At at) {
        long i = tracer.intOf(tracer.eval(at.index(), scope), at.span());
        if (!size.isConstant() && i >= 0) {
          // A size known only at run time (a CSV file's column count): the slice's own shape rule
          // checks the index once the size is known.
          cur = tracer.tensor(new Op.Slice(axis, i, i + 1, 1), at.span(), cur);
          dropped.add(axis);
          continue;
        }
        long n = requireKnown(size, at, t);
        if (i < -n || i >= n) {
          throw Tracer.error(ErrorCode.OP_SHAPE, at.span(), "index " + i + " is out of range for axis " + axis
              + " of size " + n);
        }
        long k = i < 0 ? i + n : i;
        cur = tracer.tensor(new Op.Slice(axis, k, k + 1, 1), at.span(), cur);
        dropped.add(axis);
      } else if (item instanceof Expr.IndexItem.Slice sl) {
        if (sl.from() == null && sl.to() == null) {
          continue;
        }
        if (!size.isConstant()) {
          cur = symbolicSlice(tracer, cur, axis, sl, scope, t);
          continue;
        }
        long n = requireKnown(size, sl, t);
        long from = sl.from() == null ? 0 : clamp(tracer.intOf(tracer.eval(sl.from(), scope), sl.span()), n);
        long to = sl.to() == null ? n : clamp(tracer.intOf(tracer.eval(sl.to(), scope), sl.span()), n);
        cur = tracer.tensor(new Op.Slice(axis, from, Math.max(from, to), 1), sl.span(), cur);
      }
    }
    if (dropped.isEmpty()) {
      return cur;
    }
    List<Dim> dims = new ArrayList<>();
    for (int a = 0; a < rank; a++) {
      if (!dropped.contains(a)) {
        dims.add(cur.value().shape().dim(a));
      }
    }
    return tracer.tensor(new Op.Reshape(new Shape(dims)), ix.span(), cur);
  }

  /**
   * {@code a..b} along an axis whose size is a symbol: the bounds must be counted from the start
   * (the end is unknown); they are not clamped, and the slice's shape rule checks them against the
   * size once it is known.
   */
  private static Val.Tensor symbolicSlice(Tracer tracer, Val.Tensor cur, int axis, Expr.IndexItem.Slice sl,
      Scope scope, Val.Tensor t) throws CheckError {
    long from = sl.from() == null ? 0 : tracer.intOf(tracer.eval(sl.from(), scope), sl.span());
    Long to = sl.to() == null ? null : tracer.intOf(tracer.eval(sl.to(), scope), sl.span());
    if (from < 0 || to == null || to < from) {
      throw Tracer.error(ErrorCode.OP_SHAPE, sl.span(), "axis " + axis + " of " + t.value().type()
          + " has a size known only at run time, so a range over it needs both ends counted from the start, "
          + "such as `0..4`");
    }
    return tracer.tensor(new Op.Slice(axis, from, to, 1), sl.span(), cur);
  }

  private static long requireKnown(Dim size, Expr.IndexItem item, Val.Tensor t) throws CheckError {
    if (!size.isConstant()) {
      throw Tracer.error(ErrorCode.OP_SHAPE, item.span(), "cannot index an axis of symbolic size " + size
          + " of " + t.value().type() + " with a constant");
    }
    return size.constant();
  }

  private static long clamp(long i, long n) {
    long k = i < 0 ? i + n : i;
    return Math.max(0, Math.min(n, k));
  }
}
