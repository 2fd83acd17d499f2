#!/usr/bin/env bash
# Runs LocalPathBenchmark (PS local pull+push vs raw UnsafeBuffer vs heap float[]) in one JMH run,
# writes JSON + log to perf/results/, then prints the PS/raw and PS/heap ratio table.
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

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -n "${JAVA_HOME:-}" ]]; then
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA="$(command -v java)"
fi
JAVA_FEATURE="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
JAVA_FEATURE="${JAVA_FEATURE%%.*}"
JAVA_VERSION_LINE="$("$JAVA" -version 2>&1 | head -n 2 | tail -n 1)"

# JVM flags, one per line; blank lines and # comments skipped. JDK 24+ adds jvm-24.options.
read_options() {
    local file="$1"
    [[ -f "$file" ]] || { echo "missing $file" >&2; exit 1; }
    grep -v -E '^[[:space:]]*(#|$)' "$file" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'
}
JVM_FLAGS=()
while IFS= read -r line; do JVM_FLAGS+=("$line"); done < <(read_options scripts/jvm.options)
if (( JAVA_FEATURE >= 24 )); then
    while IFS= read -r line; do JVM_FLAGS+=("$line"); done < <(read_options scripts/jvm-24.options)
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo ">> mvn -q -B test-compile"
    mvn -q -B test-compile
fi
mkdir -p target
CP_FILE="target/perf-test-classpath.txt"
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
# Snapshot the compiled classes: other builds may rewrite target/ while the forks are still loading classes.
SNAPSHOT="$(mktemp -d "${TMPDIR:-/tmp}/nups-perf.XXXXXX")"
trap 'rm -rf "$SNAPSHOT"' EXIT
cp -r target/classes "$SNAPSHOT/classes"
cp -r target/test-classes "$SNAPSHOT/test-classes"
CP="$SNAPSHOT/test-classes:$SNAPSHOT/classes:$(cat "$CP_FILE")"

INCLUDE="io.nups.perf.LocalPathBenchmark"
if [[ $# -gt 0 && "$1" != -* ]]; then
    INCLUDE="$1"
    shift
fi

has_opt() {
    local opt="$1" a
    for a in "${USER_ARGS[@]}"; do [[ "$a" == "$opt" ]] && return 0; done
    return 1
}
USER_ARGS=("$@")
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p perf/results
RESULT="perf/results/local-path-jdk${JAVA_FEATURE}-${STAMP}.json"

ARGS=("$INCLUDE")
has_opt -f   || ARGS+=(-f 1)
has_opt -wi  || ARGS+=(-wi 3)
has_opt -w   || ARGS+=(-w 2s)
has_opt -i   || ARGS+=(-i 5)
has_opt -r   || ARGS+=(-r 2s)
has_opt -rf  || ARGS+=(-rf json)
if has_opt -rff; then
    for (( k = 0; k < ${#USER_ARGS[@]} - 1; k++ )); do
        [[ "${USER_ARGS[k]}" == -rff ]] && RESULT="${USER_ARGS[k+1]}"
    done
else
    ARGS+=(-rff "$RESULT")
fi
LOG="${RESULT%.json}.log"
# The forked benchmark JVMs get exactly the flags of scripts/jvm.options (-jvmArgs replaces JMH's default of
# inheriting the host's flags). Add fork flags with -jvmArgsAppend; a -jvmArgs of your own replaces these.
has_opt -jvmArgs || ARGS+=(-jvmArgs "${JVM_FLAGS[*]}")
ARGS+=("${USER_ARGS[@]}")

echo ">> $JAVA_VERSION_LINE"
echo ">> $JAVA ${JVM_FLAGS[*]} -cp $SNAPSHOT/{test-classes,classes}:<test deps> org.openjdk.jmh.Main ${ARGS[*]}"
"$JAVA" "${JVM_FLAGS[@]}" -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}" 2>&1 | tee "$LOG"

echo
echo ">> results: $RESULT (log: $LOG)"
python3 perf/ratio-table.py "$RESULT"
