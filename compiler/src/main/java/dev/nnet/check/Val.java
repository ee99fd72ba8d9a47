package dev.nnet.check;

import dev.nnet.front.ast.Decl;
import dev.nnet.front.ast.Member;
import dev.nnet.ir.DType;
import dev.nnet.ir.Dim;
import dev.nnet.ir.GraphBuilder;
import dev.nnet.ir.SourceSpan;
import dev.nnet.runtime.init.Initializer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The values the checker computes with. Hyperparameters are ordinary numbers; integers are
 * {@link Dim}s so that a symbolic batch size flows through dimension arithmetic; tensors are
 * nodes of the graph being traced, with the span that produced them for diagnostics.
 */
sealed interface Val {

  /** What kind of value this is, for messages: "an int", "a tensor [N, 784]". */
  String describe();

  record Int(Dim value) implements Val {
    static Int of(long v) {
      return new Int(Dim.of(v));
    }

    public String describe() {
      return value.isConstant() ? "the int " + value : "the dimension " + value;
    }
  }

  record Float(double value) implements Val {
    public String describe() {
      return "the float " + value;
    }
  }

  record Bool(boolean value) implements Val {
    public String describe() {
      return "the bool " + value;
    }
  }

  record Str(String value) implements Val {
    public String describe() {
      return "the string \"" + value + "\"";
    }
  }

  record ListV(List<Val> items) implements Val {
    public String describe() {
      return "a list of " + items.size();
    }
  }

  record TupleV(List<Val> items) implements Val {
    public String describe() {
      return "a tuple of " + items.size();
    }
  }

  /** A traced tensor; {@code origin} is the expression that produced it. */
  record Tensor(GraphBuilder.Value value, SourceSpan origin) implements Val {
    public String describe() {
      return "a tensor " + value.type();
    }
  }

  /** An element type used as a value: {@code cast(x, i64)}. */
  record DTypeV(DType dtype) implements Val {
    public String describe() {
      return "the dtype " + dtype;
    }
  }

  /** A layer or model definition, callable to make an instance. */
  record LayerDef(Decl.Layer decl, Scope scope) implements Val {
    public String describe() {
      return (decl.isModel() ? "the model " : "the layer ") + decl.name();
    }
  }

  /** An instantiated layer, callable on tensors. */
  record Layer(LayerInstance instance) implements Val {
    public String describe() {
      return "the layer " + instance.path();
    }
  }

  /** A user function with the scope it was defined in. */
  record Fn(Member.FnDecl decl, Scope scope) implements Val {
    public String describe() {
      return "the function " + decl.name();
    }
  }

  /** A function implemented by the compiler (the primitives). */
  record Builtin(String name, BuiltinFunction impl) implements Val {
    public String describe() {
      return "the built-in function " + name;
    }
  }

  /** A parameter initializer: {@code xavier_uniform}, {@code normal(0, 0.01)}. */
  record Init(Initializer init) implements Val {
    public String describe() {
      return "the initializer " + init.text();
    }
  }

  /** An optimizer configuration from a train block: {@code adam(lr = 1e-3)}. */
  record Optimizer(OptimizerSpec spec) implements Val {
    public String describe() {
      return "the optimizer " + spec.kind();
    }
  }

  /** A data source such as {@code csv("x.csv")} before it is given fields. */
  record Source(DataSourceSpec spec) implements Val {
    public String describe() {
      return "the data source " + spec.kind();
    }
  }

  /**
   * Rows of a part of a data source, to split: {@code rows}, {@code train}, {@code test}, or
   * {@code rows[1500..]}: the part and the ranges applied to it, resolved when the data is loaded.
   */
  record SourcePart(String part, List<RowRange> ranges) implements Val {
    public String describe() {
      StringBuilder sb = new StringBuilder("the rows of ").append(part);
      for (RowRange r : ranges) {
        sb.append('[').append(r.from() == null ? "" : r.from()).append("..").append(r.to() == null ? "" : r.to()).append(']');
      }
      return sb.toString();
    }
  }

  /** Nothing: a missing optional parameter. */
  record None() implements Val {
    public String describe() {
      return "nothing";
    }
  }

  static String describeAll(List<Val> vals) {
    return vals.stream().map(Val::describe).collect(Collectors.joining(", "));
  }
}
