#!/usr/bin/env bash
# JMH microbenchmarks of the per-request pieces: session verification, code hashing, cache lookups, header
# filtering, path confinement. Extra arguments go to JMH (e.g. bench/jmh.sh -f 1 -wi 3 -i 5 Session).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  -f 1 -wi 3 -w 2s -i 5 -r 2s "$@"
