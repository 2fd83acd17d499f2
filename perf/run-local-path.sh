#!/usr/bin/env bash
# Runs LocalPathBenchmark (PS local pull+push vs raw UnsafeBuffer vs heap float[]) in one JMH run,
# writes JSON + log to perf/results/local-path-jdk<N>-<stamp>.{json,log}, then prints the PS/raw and
# PS/heap ratio table. A thin wrapper of perf/run-jmh.sh.
#
# Usage: perf/run-local-path.sh [INCLUDE_REGEX] [JMH options...]
#   INCLUDE_REGEX  optional first argument (not starting with '-'), default io.nups.perf.LocalPathBenchmark
#   JMH options    any org.openjdk.jmh.Main option; -f -wi -w -i -r -rf -rff -jvmArgs given here replace the defaults
#                  (-f 1 -wi 3 -w 2s -i 5 -r 2s, JSON into perf/results/). Do not pass -t: the *_t1 and
#                  *_tmax methods fix their own thread counts. Extra fork JVM flags: -jvmArgsAppend "...".
# Environment: JAVA_HOME selects the JDK (default: java on PATH); SKIP_BUILD=1 skips mvn test-compile.
# Examples:
#   perf/run-local-path.sh
#   perf/run-local-path.sh -p length=128 -i 3
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 perf/run-local-path.sh
set -euo pipefail

INCLUDE="io.nups.perf.LocalPathBenchmark"
if [[ $# -gt 0 && "$1" != -* ]]; then
    INCLUDE="$1"
    shift
fi
RESULT_NAME=local-path exec "$(dirname "${BASH_SOURCE[0]}")/run-jmh.sh" "$INCLUDE" "$@"
