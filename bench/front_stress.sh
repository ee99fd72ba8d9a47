#!/usr/bin/env bash
# Times the front end (parse, check, render) on the pathological inputs of issue #9 item 7, each in
# its own JVM with a time limit (default 60 s) and a heap limit (default 2 GB), so a case that hangs
# or runs out of memory shows as such. Usage: bench/front_stress.sh [SECONDS [HEAP]]
set -uo pipefail
cd "$(dirname "$0")/.."
limit="${1:-60}"
heap="${2:-2g}"
mvn -B -o -q -pl compiler -am test-compile -Dmaven.test.skip.exec=true >/dev/null || exit 1
antlr="$(find ~/.m2/repository/org/antlr/antlr4-runtime/4.13.2 -name 'antlr4-runtime-4.13.2.jar' | head -1)"
cp="compiler/target/classes:compiler/target/test-classes:grammar/target/classes:ir/target/classes:runtime/target/classes:stdlib/target/classes:$antlr"
main=dev.nnet.bench.FrontEndStress
java -cp "$cp" "$main" | while read -r index name; do
  out="$(timeout "$limit" java -Xmx"$heap" -Xss8m -cp "$cp" "$main" "$index" 2>&1)"
  case $? in
    0) echo "$out" ;;
    124) echo "$name: over ${limit} s (killed)" ;;
    *) echo "$name: failed: $(echo "$out" | grep -m1 -E 'Error|Exception')" ;;
  esac
done
