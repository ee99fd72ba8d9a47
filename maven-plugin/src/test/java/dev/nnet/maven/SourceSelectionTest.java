package dev.nnet.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceSelectionTest {
  @TempDir
  Path dir;

  private void touch(String... files) throws Exception {
    for (String f : files) {
      Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "");
    }
  }

  private List<String> select(List<String> includes, List<String> excludes) {
    return new SourceSelection(dir, includes, excludes).files().stream().map(p -> p.toString().replace('\\', '/'))
        .toList();
  }

  @Test
  void theDefaultSelectsNnetFilesAtEveryDepthLikeAnt() throws Exception {
    touch("top.nnet", "models/a.nnet", "models/deep/b.nnet", "models/notes.txt");
    assertEquals(List.of("models/a.nnet", "models/deep/b.nnet", "top.nnet"), select(null, null));
  }

  @Test
  void includesAndExcludesNarrowTheSelection() throws Exception {
    touch("top.nnet", "models/a.nnet", "models/deep/b.nnet", "scratch/c.nnet");
    assertEquals(List.of("models/a.nnet", "models/deep/b.nnet"), select(List.of("models/**/*.nnet"), null));
    assertEquals(List.of("models/a.nnet", "top.nnet"), select(null, List.of("**/deep/**", "scratch/")));
  }

  @Test
  void aMissingDirectorySelectsNothing() {
    assertEquals(List.of(), new SourceSelection(dir.resolve("absent"), null, null).files());
  }
}
