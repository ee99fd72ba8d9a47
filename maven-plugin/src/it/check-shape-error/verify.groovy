String log = new File(basedir, "build.log").text
def sep = File.separator
// The one-line form build tools and IDEs parse: file:line:col: error[CODE]: message
def located = (log =~ /(?m)^\[ERROR\] .*models\Q${sep}\Eclassifier\.nnet:4:\d+: error\[NNET\d{4}\]: .+$/)
assert located.find() : "no located error in the build log"
assert log.contains("nnet: checked 2 files") : "both files are checked"
assert !(log =~ /fine\.nnet:\d+:\d+: error/).find() : "the correct file has no error"
assert log.contains("BUILD FAILURE")
return true
