package dev.nnet.check;

import dev.nnet.ir.SourceSpan;

/** The Java side of a built-in function: gets evaluated arguments, returns a value or throws. */
@FunctionalInterface
interface BuiltinFunction {
  Val call(Tracer tracer, Args args, SourceSpan span) throws CheckError;
}
