#!/usr/bin/env bash
# Runs one JMH benchmark class of perf/src/java/io/nups/perf in one JMH run, writes JSON + log to
# perf/results/<name>-jdk<N>-<stamp>.{json,log}, then prints the ratio table of perf/ratio-table.py.
#
# Usage: perf/run-jmh.sh [BENCHMARK] [JMH options...]
#   BENCHMARK     optional first argument (not starting with '-'), default LocalPathBenchmark. Either the simple
#                 name of a class in io.nups.perf (runs all its @Benchmark methods), or any JMH include regex
#                 (anything with a character other than letters, digits and '_', e.g. 'LocalPathBenchmark.ps_.*').
#                 <name> is the class name without "Benchmark" in kebab case (LocalPathBenchmark -> local-path,
#                 TransportRoundTripBenchmark -> transport-round-trip); for a regex, that of the first
#                 *Benchmark class named in it, else "jmh". RESULT_NAME=... overrides it.
#   JMH options   any org.openjdk.jmh.Main option; -f -wi -w -i -r -rf -rff -jvmArgs given here replace the defaults
#                 (-f 1 -wi 3 -w 2s -i 5 -r 2s, JSON into perf/results/). Extra fork JVM flags: -jvmArgsAppend "...".
# Environment: JAVA_HOME selects the JDK (default: java on PATH); SKIP_BUILD=1 skips mvn test-compile;
#              RESULT_NAME sets <name>.
# Examples:
#   perf/run-jmh.sh                                          # LocalPathBenchmark, as perf/run-local-path.sh
#   perf/run-jmh.sh TransportRoundTripBenchmark -wi 3 -w 1s -i 5 -r 1s
#   perf/run-jmh.sh TransportRoundTripBenchmark -p size=16
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 perf/run-jmh.sh TransportRoundTripBenchmark
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BENCHMARK="LocalPathBenchmark"
if [[ $# -gt 0 && "$1" != -* ]]; then
    BENCHMARK="$1"
    shift
fi
if [[ "$BENCHMARK" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    CLASS="$BENCHMARK"
    INCLUDE="io\\.nups\\.perf\\.${CLASS}\\."
else
    CLASS="$(grep -oE '[A-Z][A-Za-z0-9_]*Benchmark' <<<"$BENCHMARK" | head -n 1 || true)"
    INCLUDE="$BENCHMARK"
fi
if [[ -n "${RESULT_NAME:-}" ]]; then
    NAME="$RESULT_NAME"
elif [[ -n "$CLASS" ]]; then
    NAME="$(sed -e 's/Benchmark$//' -e 's/\([a-z0-9]\)\([A-Z]\)/\1-\2/g' <<<"$CLASS" | tr '[:upper:]' '[:lower:]')"
    NAME="${NAME:-jmh}"
else
    NAME="jmh"
fi

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
if [[ "$BENCHMARK" == "$CLASS" && ! -f "target/test-classes/io/nups/perf/$CLASS.class" ]]; then
    echo "no benchmark class io.nups.perf.$CLASS; classes in perf/src/java/io/nups/perf:" >&2
    ls perf/src/java/io/nups/perf/ | sed -n 's/\.java$//p' >&2
    exit 2
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

has_opt() {
    local opt="$1" a
    for a in "${USER_ARGS[@]}"; do [[ "$a" == "$opt" ]] && return 0; done
    return 1
}
USER_ARGS=("$@")
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p perf/results
RESULT="perf/results/${NAME}-jdk${JAVA_FEATURE}-${STAMP}.json"

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

# The machine is shared: a concurrent JMH run disturbs both. Say so (this script's own JVM is not started yet).
OTHERS="$(pgrep -f 'org\.openjdk\.jmh' || true)"
if [[ -n "$OTHERS" ]]; then
    echo ">> WARNING: another JMH run is active (pids: $(tr '\n' ' ' <<<"$OTHERS")); results will be disturbed" >&2
fi

echo ">> $JAVA_VERSION_LINE"
echo ">> $JAVA ${JVM_FLAGS[*]} -cp $SNAPSHOT/{test-classes,classes}:<test deps> org.openjdk.jmh.Main ${ARGS[*]}"
"$JAVA" "${JVM_FLAGS[@]}" -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}" 2>&1 | tee "$LOG"

echo
echo ">> results: $RESULT (log: $LOG)"
python3 perf/ratio-table.py "$RESULT"
