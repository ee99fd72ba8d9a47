package dev.nnet.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last {@code generate} wrote, per source file: the digest of the source and of the
 * settings it was generated with, and the files it produced. An entry whose digest still matches
 * and whose outputs all exist needs no work; an entry whose source is gone names the outputs to
 * delete. Kept in one text file, written atomically, so an interrupted build never leaves a state
 * that claims outputs it did not write.
 */
final class GenerationState {
  /** One source's last generation. */
  record Entry(String digest, List<String> outputs) {
    Entry {
      outputs = List.copyOf(outputs);
    }
  }

  private final Map<String, Entry> entries;

  private GenerationState(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** An empty state: everything is generated. */
  static GenerationState empty() {
    return new GenerationState(new TreeMap<>());
  }

  /**
   * The state saved in {@code file}, or an empty one if there is none or it cannot be read (then
   * every file is generated again, which is always correct).
   */
  static GenerationState read(Path file) {
    Map<String, Entry> entries = new TreeMap<>();
    if (!Files.isRegularFile(file)) {
      return new GenerationState(entries);
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] cells = line.split("\t");
        if (cells.length >= 2) {
          entries.put(cells[0], new Entry(cells[1], List.of(cells).subList(2, cells.length)));
        }
      }
    } catch (IOException e) {
      entries.clear();
    }
    return new GenerationState(entries);
  }

  /** Saves the state to {@code file} through a temporary file and an atomic move. */
  void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    StringBuilder text = new StringBuilder();
    entries.forEach((source, e) -> {
      text.append(source).append('\t').append(e.digest());
      e.outputs().forEach(o -> text.append('\t').append(o));
      text.append('\n');
    });
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The entry of {@code source} (a path relative to the source directory, with {@code /}), if any. */
  Entry get(String source) {
    return entries.get(source);
  }

  /** Records what {@code source} produced now. */
  void put(String source, Entry entry) {
    entries.put(source, entry);
  }

  /** Forgets {@code source}, returning its last entry. */
  Entry remove(String source) {
    return entries.remove(source);
  }

  /** The sources with an entry. */
  List<String> sources() {
    return new ArrayList<>(entries.keySet());
  }

  /**
   * True if {@code source}'s entry has this digest and all its outputs (relative to
   * {@code outputDirectory}) still exist: generating again would write the same files.
   */
  boolean upToDate(String source, String digest, Path outputDirectory) {
    Entry e = entries.get(source);
    return e != null && e.digest().equals(digest)
        && e.outputs().stream().allMatch(o -> Files.isRegularFile(outputDirectory.resolve(o)));
  }

  /**
   * The SHA-256 of a source's text and of everything else its output depends on (the plugin
   * version, which carries the compiler and standard library, and the package setting).
   */
  static String digest(String text, String... settings) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String s : settings) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      sha.update(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
