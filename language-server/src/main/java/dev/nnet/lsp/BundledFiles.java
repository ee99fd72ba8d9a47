package dev.nnet.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files the server ships on its class path (the standard library {@code std/nn.nnet}, the
 * diagnostic pages {@code docs/errors/*.md}) written out as real files, so that go-to-definition
 * into the standard library and the documentation link of a diagnostic are plain {@code file:} URIs
 * that every client opens (Neovim and VS Code alike; custom schemes need client-side code).
 *
 * <p>They go to {@code $XDG_CACHE_HOME/nnet} (or {@code ~/.cache/nnet}, or the system property
 * {@code nnet.cache}) under a directory named after a hash of the content, so two server versions
 * never share a stale copy. Files are written atomically and made read-only: editing the copy would
 * not change what the compiler checks against.
 */
final class BundledFiles {
  private final Path root;
  private final Map<String, Path> written = new ConcurrentHashMap<>();

  BundledFiles(Path root) {
    this.root = root;
  }

  /** The cache directory chosen from the environment, as described above. */
  static BundledFiles fromEnvironment() {
    String prop = System.getProperty("nnet.cache");
    if (prop != null) {
      return new BundledFiles(Path.of(prop));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return new BundledFiles(base.resolve("nnet"));
  }

  /** The file holding class-path resource {@code resource}, written on first use; null if absent or unwritable. */
  Path file(String resource) {
    Path p = written.get(resource);
    if (p != null) {
      return p;
    }
    try (InputStream in = BundledFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      Path target = root.resolve(hash(bytes)).resolve(resource);
      if (!Files.exists(target)) {
        write(target, bytes);
      }
      written.put(resource, target);
      return target;
    } catch (IOException e) {
      System.err.println("nnet lsp: cannot write " + resource + " under " + root + ": " + e.getMessage());
      return null;
    }
  }

  /** The {@code file:} URI of {@link #file(String)}, or null. */
  String uri(String resource) {
    Path p = file(resource);
    return p == null ? null : p.toUri().toString();
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".part", "");
    Files.write(tmp, bytes);
    tmp.toFile().setReadOnly();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // Another server wrote the same content first.
      Files.deleteIfExists(tmp);
      if (!Files.exists(target)) {
        throw e;
      }
    }
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
