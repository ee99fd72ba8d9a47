package dev.nnet.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code .nnet} files of a source directory that the include and exclude patterns select, in a
 * stable order. Patterns are Ant-style as everywhere in Maven, relative to the directory, with
 * {@code /} as separator: {@code **}{@code /*.nnet} matches {@code a.nnet} as well as
 * {@code models/b.nnet}.
 */
record SourceSelection(Path directory, List<String> includes, List<String> excludes) {
  /** What the goals select when nothing is configured. */
  static final List<String> DEFAULT_INCLUDES = List.of("**/*.nnet");

  SourceSelection {
    includes = includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : List.copyOf(includes);
    excludes = excludes == null ? List.of() : List.copyOf(excludes);
  }

  /** The selected files, relative to {@link #directory}, sorted; none if the directory does not exist. */
  List<Path> files() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<PathMatcher> in = includes.stream().flatMap(SourceSelection::matchers).toList();
    List<PathMatcher> out = excludes.stream().flatMap(SourceSelection::matchers).toList();
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .map(directory::relativize)
          .filter(p -> in.stream().anyMatch(m -> m.matches(p)) && out.stream().noneMatch(m -> m.matches(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The glob matchers of one Ant pattern. Ant's {@code **}{@code /} also matches no folder at all,
   * Java's needs at least one, so each {@code **}{@code /} is tried both with and without.
   */
  private static Stream<PathMatcher> matchers(String pattern) {
    String p = pattern.replace('\\', '/');
    if (p.endsWith("/")) {
      p = p + "**"; // Ant: a trailing slash means everything below
    }
    return globs(p).stream().distinct().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
  }

  /** {@code pattern} and every variant of it with some of its {@code **}{@code /} left out. */
  private static List<String> globs(String pattern) {
    int at = pattern.indexOf("**/");
    if (at < 0) {
      return List.of(pattern);
    }
    String head = pattern.substring(0, at);
    return globs(pattern.substring(at + 3)).stream()
        .flatMap(rest -> Stream.of(head + "**/" + rest, head + rest))
        .toList();
  }
}
