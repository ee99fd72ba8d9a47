package dev.nnet.runtime;

import dev.nnet.ir.Shape;
import dev.nnet.runtime.init.Initializer;

/**
 * A parameter or state tensor of a compiled program: its dotted name ({@code fc1.weight}), its
 * shape, how it starts, and whether the optimizer trains it (buffers and optimizer moments do not).
 */
public record ParamSpec(String name, Shape shape, Initializer init, boolean trainable) {}
