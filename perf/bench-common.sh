# Shared by perf/run-zipf.sh and perf/run-replication.sh (sourced, not run): one `nups bench` run on a local
# cluster through scripts/nups-local, its output appended to the log, its exactness checked, its figures parsed.
# The caller sets root (the repository), nodes and log, and uses `set -euo pipefail`.

# Writes the log's header: the command line, the JVM, the machine, and the bench command.
# $1: the script's name and arguments; $2: the bench command (one string)
bench_log_header() {
    {
        echo "# $1"
        echo "# $(java -version 2>&1 | head -1); $(nproc) cores; $(uname -srm); $(date -u)"
        echo "# scripts/nups-local -n $nodes -- $2"
    } >"$log"
}

# Runs `scripts/nups-local -n $nodes -- ARGS...` as the run named $1 and sets, for it:
#   bench_ops          cluster ops/s: the sum over the nodes
#   bench_local_pulls  share of pulls served without communication (%), mean over the nodes
#   bench_sync_rate    replica sync rounds per second during the workload, mean over the nodes ("-" without)
# Exits the script with 1, naming the log, if the run fails or a node's exactness check does not PASS.
run_bench() {
    local name="$1"
    shift
    local out
    out="$(mktemp)"
    if ! "$root/scripts/nups-local" -n "$nodes" -- "$@" >"$out" 2>&1; then
        cat "$out" >>"$log"
        echo "$(basename "$0"): the $name run failed; see $log" >&2
        tail -20 "$out" >&2
        rm -f "$out"
        exit 1
    fi
    cat "$out" >>"$log"
    local passes
    passes="$(grep -c '\] exactness: PASS' "$out" || true)"
    if (( passes != nodes )); then
        echo "$(basename "$0"): $name: $passes of $nodes nodes passed the exactness check; see $log" >&2
        rm -f "$out"
        exit 1
    fi
    # "[r0] node 0: 1,234 ops in 2.00 s: 617 ops/s, ... | local: 97.0% of pulls, ..."
    read -r bench_ops bench_local_pulls < <(grep -E '^\[r[0-9]+\] node [0-9]+: [0-9,]+ ops in ' "$out" | tr -d ',%' |
        awk '{ for (i = 1; i <= NF; i++) { if ($i == "ops/s") s += $(i-1); if ($i == "pulls") p += $(i-2) } }
             END { printf "%.0f %.1f\n", s, p / NR }')
    # "[r0] node 0: replicas served ...; sync during the run: 24.90 rounds/s | ..."
    bench_sync_rate="$({ grep -E '^\[r[0-9]+\] node [0-9]+: replicas served ' "$out" || true; } |
        sed -n 's/.*sync during the run: \([0-9.]*\) rounds\/s.*/\1/p' |
        awk '{ s += $1 } END { if (NR > 0) printf "%.2f\n", s / NR; else print "-" }')"
    rm -f "$out"
}
