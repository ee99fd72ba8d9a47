package dev.nnet.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationStateTest {
  @TempDir
  Path dir;

  @Test
  void aSavedStateReadsBackAndKnowsWhatIsUpToDate() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("models"));
    Files.writeString(out.resolve("models/Mlp.java"), "class Mlp {}");
    GenerationState state = GenerationState.empty();
    String digest = GenerationState.digest("model Mlp() {}", "0.1.0", "models");
    state.put("models/mlp.nnet", new GenerationState.Entry(digest, List.of("models/Mlp.java")));
    Path file = dir.resolve("state/generate.state");
    state.write(file);
    assertFalse(Files.exists(file.resolveSibling("generate.state.tmp")), "the temporary file is moved into place");

    GenerationState read = GenerationState.read(file);
    assertEquals(List.of("models/mlp.nnet"), read.sources());
    assertTrue(read.upToDate("models/mlp.nnet", digest, out));
    assertFalse(read.upToDate("models/mlp.nnet", GenerationState.digest("model Mlp() { }", "0.1.0", "models"), out),
        "an edited source is not up to date");
    Files.delete(out.resolve("models/Mlp.java"));
    assertFalse(read.upToDate("models/mlp.nnet", digest, out), "a deleted output is written again");
    assertFalse(read.upToDate("other.nnet", digest, out));
    assertEquals(List.of("models/Mlp.java"), read.remove("models/mlp.nnet").outputs());
    assertNull(read.get("models/mlp.nnet"));
  }

  @Test
  void settingsAreInTheDigest() {
    assertNotEquals(GenerationState.digest("x", "0.1.0", "a"), GenerationState.digest("x", "0.1.0", "b"));
    assertNotEquals(GenerationState.digest("x", "0.1.0", "ab"), GenerationState.digest("x", "0.1.0a", "b"),
        "settings are separated, not concatenated");
  }

  @Test
  void aMissingOrUnreadableStateGeneratesEverything() throws Exception {
    assertTrue(GenerationState.read(dir.resolve("none")).sources().isEmpty());
    Files.createDirectories(dir.resolve("a-directory"));
    assertTrue(GenerationState.read(dir.resolve("a-directory")).sources().isEmpty());
  }
}
