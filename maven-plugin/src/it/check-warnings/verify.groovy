String log = new File(basedir, "build.log").text
// The second invocation (failOnWarning) leaves its log; the warning is logged as a warning.
assert (log =~ /(?m)^\[WARNING\] .*regressor\.nnet:4:\d+: warning\[NNET1002\]: .+$/).find() : "no located warning"
assert log.contains("failOnWarning is set")
assert log.contains("BUILD FAILURE")
return true
