#!/usr/bin/env bash
# The long fuzzing run of the front end (issue #9 item 7): COUNT inputs (mutated programs of the
# repository and pathological shapes), each checked and rendered within 1 s with no exception and no
# internal error. Failing inputs are saved to OUT (default compiler/target/fuzz-failures) as
# SEED-INDEX.nnet. Usage: bench/front_fuzz.sh COUNT [SEED [THREADS [OUT]]]
# The goal is 10^6 inputs with zero failures: bench/front_fuzz.sh 1000000 20261201 16
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q -pl compiler -am test-compile >/dev/null
antlr="$(find ~/.m2/repository/org/antlr/antlr4-runtime/4.13.2 -name 'antlr4-runtime-4.13.2.jar' | head -1)"
cp="compiler/target/classes:compiler/target/test-classes:grammar/target/classes:ir/target/classes:runtime/target/classes:stdlib/target/classes:$antlr"
exec java -cp "$cp" dev.nnet.bench.FrontEndFuzz "${1:?COUNT}" "${2:-20261201}" "${3:-1}" "${4:-compiler/target/fuzz-failures}"
