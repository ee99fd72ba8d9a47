package dev.nnet.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxExporter#write}: replaces the file whole, leaves no temporary file, keeps default permissions. */
class ModelFileTest {
  @TempDir
  Path dir;

  @Test
  void replacesTheFileWithDefaultPermissionsAndLeavesNothingElse() throws Exception {
    Path file = dir.resolve("m.onnx");
    Files.writeString(file, "an older model");
    Path plain = dir.resolve("plain");
    Files.writeString(plain, "");  // what the umask gives a new file here
    ModelProto model = ModelProto.newBuilder().setIrVersion(OnnxExporter.IR_VERSION).setProducerName("nnet").build();

    OnnxExporter.write(model, file);

    assertArrayEquals(model.toByteArray(), Files.readAllBytes(file));
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file, plain), files.sorted().toList());
    }
  }
}
