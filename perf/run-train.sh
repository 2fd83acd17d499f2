#!/usr/bin/env bash
# The paper's comparison on this machine: one training task run as a single node and as classic, lapse and
# nups on local clusters of several nodes, same data, same epochs, same seed, one after the other in one
# invocation. Every run writes a JSON run summary (--summary); the script prints one markdown table: per
# nodes and mode the mean epoch time, the cluster's examples per second, its ratio to the single node and to
# classic on the same node count, the final quality metrics, and the share of local key accesses. Full output
# in perf/results/train-<task>-<stamp>.log, the summaries beside it.
#
# Usage: perf/run-train.sh [--nodes "2 4"] [--modes "classic lapse nups"] [--epochs E] [--threads T]
#                          [--transport auto|tcp|shm] [--no-single] -- TASK [TASK FLAGS...]
#   defaults: --nodes "2 4", --modes "classic lapse nups", --epochs 3, --threads 2, --transport auto
#   e.g.  perf/run-train.sh --epochs 2 -- kge --dim 100 --negatives 6
#         perf/run-train.sh -- mf --data /tmp/mf_zipf --rank 100
# Environment: NUPS_JAVA_OPTS is passed to every JVM (scripts/nups).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_counts="2 4"
modes="classic lapse nups"
epochs=3
threads=2
transport=auto
single=1
while (( $# > 0 )); do
    case "$1" in
        --nodes) node_counts="$2"; shift 2 ;;
        --modes) modes="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --transport) transport="$2"; shift 2 ;;
        --no-single) single=0; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-train.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done
fail_usage() { echo "run-train.sh: $*" >&2; exit 2; }
(( $# >= 1 )) || fail_usage "give the task after --, e.g. -- kge (try --help)"
task="$1"
shift
[[ "$epochs" =~ ^[0-9]+$ ]] && (( epochs >= 1 )) || fail_usage "--epochs must be >= 1, got '$epochs'"
[[ "$threads" =~ ^[0-9]+$ ]] && (( threads >= 1 )) || fail_usage "--threads must be >= 1, got '$threads'"
read -r -a node_list <<<"$node_counts"
read -r -a mode_list <<<"$modes"
for n in "${node_list[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] && (( n >= 2 )) || fail_usage "--nodes: '$n' is not a node count >= 2"
done
for m in "${mode_list[@]}"; do
    [[ "$m" =~ ^(classic|lapse|nups)$ ]] || fail_usage "--modes: '$m' is not classic, lapse or nups"
done

mkdir -p "$root/perf/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$root/perf/results/train-$task-$stamp"
log="$base.log"
mkdir -p "$base"
{
    echo "# perf/run-train.sh --nodes '$node_counts' --modes '$modes' --epochs $epochs --threads $threads --transport $transport -- $task $*"
    echo "# $(java -version 2>&1 | head -1); $(nproc) cores; $(uname -srm); $(date -u)"
} >"$log"

common=(train "$task" --epochs "$epochs" --threads "$threads" --seed 23 "$@")
runs=()
run_one() { # name, node count, nups args...
    local name="$1" n="$2"
    shift 2
    local summary="$base/$name.json"
    echo "== $name" | tee -a "$log"
    local status=0
    if (( n == 1 )); then
        "$root/scripts/nups" "$@" --summary "$summary" >>"$log" 2>&1 || status=$?
    else
        "$root/scripts/nups-local" -n "$n" -- "$@" --transport "$transport" --summary "$summary" >>"$log" 2>&1 ||
            status=$?
    fi
    if (( status != 0 )) || [[ ! -s "$summary" ]]; then
        echo "run-train.sh: the $name run failed (exit $status); see $log" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    runs+=("$name")
}
if (( single )); then
    run_one "1-single" 1 "${common[@]}" --mode single
fi
for n in "${node_list[@]}"; do
    for m in "${mode_list[@]}"; do
        run_one "$n-$m" "$n" "${common[@]}" --mode "$m"
    done
done

python3 "$root/perf/train-table.py" "$base" "${runs[@]}" | tee -a "$log"
echo "log: ${log#"$root/"}" | tee -a "$log"
