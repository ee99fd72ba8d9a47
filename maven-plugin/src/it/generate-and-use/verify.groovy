def generated = new File(basedir, "target/generated-sources/nnet/digits/DigitsMlp.java")
assert generated.isFile() : "the model class is generated in the package of its folder"
String source = generated.text
assert source.contains("Handwritten digits (8x8 pixels) with a small MLP.") : "the doc comment becomes Javadoc"
assert source.contains("@param image [N, 64]") : "shapes are in the Javadoc"
assert new File(basedir, "target/classes/digits/DigitsMlp.class").isFile()
String log = new File(basedir, "build.log").text
assert log.contains("Tests run: 3, Failures: 0, Errors: 0")
assert log.contains("BUILD SUCCESS")
return true
