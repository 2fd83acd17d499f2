#!/usr/bin/env bash
# Zipf(1.1) push/pull workload on a local cluster, several ways side by side in one run (same seed and sizes,
# rounds interleaved so that machine noise hits all of them): classic; relocation with localize-ahead; and
# replication of the N hottest keys with everything else relocated, at each sync rate (rep.syncs_per_sec,
# 0 = back-to-back), plus, for comparison, replication with everything else left at home (classic) at a few
# rates. Runs scripts/nups-local -n NODES -- bench, writes the full output to
# perf/results/replication-<transport>-<stamp>.log and prints one markdown table: per mode and sync rate the
# cluster's ops/s (sum over nodes, mean over rounds), the ratio to classic, the local share of pulls, the sync
# rounds per second during the workload and the exactness checks. Fails if any node's check does not PASS.
#
# Usage: perf/run-replication.sh [-n NODES] [--rounds R] [--transport auto|tcp|shm] [--replicate N]
#                                [--rates "R1 R2 ..."] [--classic-rates "R1 ..."] [-- extra bench flags...]
#   defaults: -n 2, --rounds 1, --transport auto, --replicate 1000, --rates "0.2 1 5 25 125 0",
#             --classic-rates "1 25" ("" for none);
#             bench: --keys 100000 --length 16 --keys-per-op 8 --threads 1 --ops 200000 --seconds 5 --zipf 1.1
#             --seed 1 --permute-keys 1
#   extra bench flags are appended to every run (later flags win), e.g. -- --seconds 2 --threads 2
# Environment: NUPS_JAVA_OPTS is passed to every JVM (scripts/nups).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes=2
rounds=1
transport=auto
replicate=1000
rates="0.2 1 5 25 125 0"
classic_rates="1 25"
while (( $# > 0 )); do
    case "$1" in
        -n) nodes="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --transport) transport="$2"; shift 2 ;;
        --replicate) replicate="$2"; shift 2 ;;
        --rates) rates="$2"; shift 2 ;;
        --classic-rates) classic_rates="$2"; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-replication.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done
fail_usage() { echo "run-replication.sh: $*" >&2; exit 2; }
[[ "$nodes" =~ ^[0-9]+$ ]] && (( nodes >= 2 )) || fail_usage "-n must be >= 2, got '$nodes'"
[[ "$rounds" =~ ^[0-9]+$ ]] && (( rounds >= 1 )) || fail_usage "--rounds must be >= 1, got '$rounds'"
[[ "$replicate" =~ ^[0-9]+$ ]] && (( replicate >= 1 )) || fail_usage "--replicate must be >= 1, got '$replicate'"
read -r -a rate_list <<<"$rates"
read -r -a classic_rate_list <<<"$classic_rates"
(( ${#rate_list[@]} > 0 )) || fail_usage "--rates needs at least one rate"
for rate in "${rate_list[@]}" "${classic_rate_list[@]}"; do
    [[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail_usage "--rates/--classic-rates: '$rate' is not a number >= 0"
done

bench=(bench --keys 100000 --length 16 --keys-per-op 8 --threads 1 --ops 200000 --seconds 5 --zipf 1.1
    --seed 1 --permute-keys 1 --transport "$transport")
mkdir -p "$root/perf/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
log="$root/perf/results/replication-$transport-$stamp.log"
# shellcheck source=perf/bench-common.sh
source "$root/perf/bench-common.sh"
bench_log_header "perf/run-replication.sh -n $nodes --rounds $rounds --transport $transport --replicate $replicate \
--rates '$rates' --classic-rates '$classic_rates' -- $*" "${bench[*]} VARIANT-FLAGS $*"

# Variants in run order: "name|bench flags"
variants=("classic|--mode classic" "relocation|--mode relocation")
for rate in "${rate_list[@]}"; do
    variants+=("replicate@$rate|--mode relocation --replicate $replicate --rep.syncs_per_sec $rate")
done
for rate in "${classic_rate_list[@]}"; do
    variants+=("classic+replicate@$rate|--mode classic --replicate $replicate --rep.syncs_per_sec $rate")
done

declare -A total_ops local_pulls sync_rates
for (( round = 1; round <= rounds; round++ )); do
    for variant in "${variants[@]}"; do
        name="${variant%%|*}"
        read -r -a flags <<<"${variant#*|}"
        echo "== round $round: $name (${flags[*]})" | tee -a "$log"
        run_bench "$name" "${bench[@]}" "${flags[@]}" "$@"
        echo "   cluster: $bench_ops ops/s, local pulls $bench_local_pulls%, sync $bench_sync_rate rounds/s" |
            tee -a "$log"
        total_ops[$name]=$(( ${total_ops[$name]:-0} + bench_ops ))
        local_pulls[$name]="${local_pulls[$name]:-} $bench_local_pulls"
        sync_rates[$name]="${sync_rates[$name]:-} $bench_sync_rate"
    done
done

classic=$(( total_ops[classic] / rounds ))
{
    echo
    echo "Zipf(1.1), $nodes nodes, transport $transport; replicate = the $replicate hottest keys, the rest relocated (or classic)."
    echo "ops/s: cluster (sum over nodes), mean of $rounds round(s); local pulls and sync rounds/s: per round."
    echo
    echo "| mode | sync rate (/s) | cluster ops/s | ratio to classic | local pulls (%) | sync rounds/s | exactness |"
    echo "|---|---:|---:|---:|---|---|---|"
    for variant in "${variants[@]}"; do
        name="${variant%%|*}"
        ops=$(( total_ops[$name] / rounds ))
        case "$name" in
            classic) mode="classic"; rate="-" ;;
            relocation) mode="relocation + localize-ahead"; rate="-" ;;
            classic+replicate@*) mode="replicate top $replicate + classic"; rate="${name#classic+replicate@}"
               [[ "$rate" != 0 ]] || rate="0 (unthrottled)" ;;
            *) mode="replicate top $replicate + relocate"; rate="${name#replicate@}"
               [[ "$rate" != 0 ]] || rate="0 (unthrottled)" ;;
        esac
        awk -v m="$mode" -v r="$rate" -v o="$ops" -v c="$classic" -v l="${local_pulls[$name]# }" \
            -v s="${sync_rates[$name]# }" -v n="$(( nodes * rounds ))" \
            'BEGIN { printf "| %s | %s | %d | %s | %s | %s | PASS %d/%d |\n", m, r, o,
                     (c > 0 ? sprintf("%.2f", o / c) : "-"), l, s, n, n }'
    done
    echo
    echo "log: ${log#"$root/"}"
} | tee -a "$log"
