package dev.nnet.runtime.backend;

import dev.nnet.ir.Graph;
import dev.nnet.ir.Signature;

/**
 * A way to run graphs: the reference interpreter today; generated Java, native code or OpenCL
 * kernels later. A backend compiles a graph once, with its {@link Signature}, into a
 * {@link CompiledGraph} that the training loop, evaluation, prediction and data loading run many
 * times. Backends are found by name in {@link Backends}.
 */
public interface Backend {
  /** The name {@code --backend} selects, such as {@code reference}. */
  String name();

  /**
   * Prepares {@code graph} to run. {@code signature} tells what each input and output is (it has been
   * validated against the graph), so a backend may keep parameters resident or update them in place.
   */
  CompiledGraph compile(Graph graph, Signature signature);
}
