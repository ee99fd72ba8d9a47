package dev.nnet.runtime.checkpoint;

import dev.nnet.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of training: named tensors (parameters, optimizer state; f32, i64 or bool) and string
 * metadata (epoch, model name, optimizer step, ...). {@link #save} writes it atomically in the
 * format described in {@link dev.nnet.runtime.checkpoint the package documentation}; {@link #load}
 * reads it back and verifies it, failing with a {@link CheckpointError} that names the file and the
 * problem.
 *
 * <p>A checkpoint holds the tensors it was given, not copies: {@code save} writes their contents at
 * the time of the call.
 */
public final class Checkpoint {
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  /** A checkpoint of these tensors and metadata; both maps keep their iteration order. */
  public Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    tensors.forEach((k, v) -> {
      Objects.requireNonNull(k, "tensor name");
      Objects.requireNonNull(v, () -> "tensor \"" + k + "\"");
    });
    metadata.forEach((k, v) -> {
      Objects.requireNonNull(k, "metadata key");
      Objects.requireNonNull(v, () -> "metadata \"" + k + "\"");
    });
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The tensors by name, in saved order (unmodifiable). */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** The metadata, in saved order (unmodifiable). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensor called {@code name}. */
  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("the checkpoint has no tensor \"" + name + "\"; it has " + tensors.keySet());
    }
    return t;
  }

  /**
   * Writes this checkpoint to {@code file}, atomically: the previous file at that path, if any, is
   * replaced only once the new one is completely on disk. Creates missing parent directories.
   *
   * @throws CheckpointError if the file cannot be written; the previous checkpoint is then intact
   */
  public void save(Path file) {
    CheckpointWriter.write(file, this, stream -> stream);
  }

  /**
   * Deletes what interrupted saves to {@code file} left behind (temp files of a process killed
   * mid-write; the checkpoint itself is always whole); returns how many files went. A run calls
   * it as it starts, when no other process writes this checkpoint.
   */
  public static int removeInterruptedSaves(Path file) {
    return CheckpointWriter.removeInterruptedWrites(file);
  }

  /**
   * Reads and verifies the checkpoint at {@code file}.
   *
   * @throws CheckpointError if the file is missing, not a checkpoint, truncated, corrupt, or from a
   *     newer format version
   */
  public static Checkpoint load(Path file) {
    return CheckpointReader.read(file);
  }

  /**
   * Reads and verifies a checkpoint from a stream, such as a resource shipped in an application's
   * jar; {@code name} says where it came from in error messages. The stream is read to its end
   * (through a temporary file, so that it is verified exactly as a file is) and not closed.
   *
   * @throws CheckpointError if the stream cannot be read or does not hold a valid checkpoint
   */
  public static Checkpoint load(InputStream in, String name) {
    Path shown = Path.of(name);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("nnet-checkpoint");
      Path copy = dir.resolve("checkpoint.nnetckpt");
      Files.copy(in, copy);
      try {
        return CheckpointReader.read(copy);
      } catch (CheckpointError e) {
        throw new CheckpointError(shown, e.byteOffset(), e.problem(), e);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw new CheckpointError(shown, "could not be read (" + e + ")", e);
    } finally {
      if (dir != null) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException ignored) {
          // a leftover empty temporary folder is harmless
        }
      }
    }
  }
}
