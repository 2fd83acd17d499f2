#!/usr/bin/env bash
# Zipf push/pull workload on a local cluster: classic vs relocation with localize-ahead, side by side in one
# run (same seed, same sizes, rounds interleaved so that machine noise hits both), through
# scripts/nups-local -n NODES -- bench. Writes the full output to perf/results/zipf-<transport>-<stamp>.log
# and prints per run the cluster's ops/s (the sum over nodes), the local shares, and the throughput ratio
# relocation / classic. Fails if any node's exactness check does not PASS.
#
# Usage: perf/run-zipf.sh [-n NODES] [--rounds R] [--transport auto|tcp|shm] [-- extra bench flags...]
#   defaults: -n 2, --rounds 2, --transport auto; bench: --keys 100000 --length 16 --keys-per-op 8
#             --threads 1 --ops 200000 --seconds 10 --zipf 1.1 --seed 1 --permute-keys 1
#   extra bench flags are appended to both modes (later flags win), e.g. -- --seconds 5 --threads 2
# Environment: NUPS_JAVA_OPTS is passed to every JVM (scripts/nups).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes=2
rounds=2
transport=auto
while (( $# > 0 )); do
    case "$1" in
        -n) nodes="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --transport) transport="$2"; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-zipf.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$nodes" =~ ^[0-9]+$ ]] && (( nodes >= 2 )) || { echo "run-zipf.sh: -n must be >= 2, got '$nodes'" >&2; exit 2; }
[[ "$rounds" =~ ^[0-9]+$ ]] && (( rounds >= 1 )) || { echo "run-zipf.sh: --rounds must be >= 1" >&2; exit 2; }

bench=(bench --keys 100000 --length 16 --keys-per-op 8 --threads 1 --ops 200000 --seconds 10 --zipf 1.1
    --seed 1 --permute-keys 1 --transport "$transport")
mkdir -p "$root/perf/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
log="$root/perf/results/zipf-$transport-$stamp.log"
# shellcheck source=perf/bench-common.sh
source "$root/perf/bench-common.sh"
bench_log_header "perf/run-zipf.sh -n $nodes --rounds $rounds --transport $transport -- $*" \
    "${bench[*]} --mode MODE $*"

declare -A total_ops count local_pulls
for (( round = 1; round <= rounds; round++ )); do
    for mode in classic relocation; do
        echo "== round $round: $mode" | tee -a "$log"
        run_bench "$mode" "${bench[@]}" --mode "$mode" "$@"
        echo "   cluster: $bench_ops ops/s, local pulls (mean over nodes) $bench_local_pulls%" | tee -a "$log"
        total_ops[$mode]=$(( ${total_ops[$mode]:-0} + bench_ops ))
        count[$mode]=$(( ${count[$mode]:-0} + 1 ))
        local_pulls[$mode]="${local_pulls[$mode]:-} $bench_local_pulls"
    done
done

classic=$(( total_ops[classic] / count[classic] ))
relocation=$(( total_ops[relocation] / count[relocation] ))
{
    echo
    echo "| mode | cluster ops/s (mean of $rounds) | local pulls per run (%) |"
    echo "|---|---:|---|"
    echo "| classic | $classic |${local_pulls[classic]} |"
    echo "| relocation + localize-ahead | $relocation |${local_pulls[relocation]} |"
    awk -v r="$relocation" -v c="$classic" 'BEGIN { printf "\nthroughput ratio relocation / classic: %.2f\n", r / c }'
    echo "log: ${log#"$root/"}"
} | tee -a "$log"
