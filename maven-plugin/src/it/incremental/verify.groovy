def out = new File(basedir, "target/generated-sources/nnet/gen")
assert new File(out, "ModelA.java").isFile()
assert !new File(out, "ModelB.java").exists() : "the outputs of a file no longer selected are deleted"
assert !new File(out, "ModelBStep.java").exists()
String log = new File(basedir, "build.log").text
// The log holds the three builds in order: everything generated, nothing regenerated, b removed.
def lines = log.readLines().findAll { it.contains("[INFO] nnet: ") }.collect { it.replaceAll(/ \(.*\)$/, "") }
assert lines == ["[INFO] nnet: 2 files generated, 0 unchanged",
                 "[INFO] nnet: 0 files generated, 2 unchanged",
                 "[INFO] nnet: 0 files generated, 1 unchanged, outputs of 1 removed file deleted"] : lines.join("\n")
return true
