#!/usr/bin/env python3
"""Ratio tables for the JMH JSON results of perf/run-jmh.sh; prints one table per benchmark class found.

LocalPathBenchmark: PS / raw UnsafeBuffer (bounds-checked and unchecked) and PS / heap float[].
Ratios are of speed (throughput), so > 1 means the parameter server is faster. For average-time
results the ratio is inverted accordingly (baseline time / PS time).

SamplingBenchmark: samples per second of each scheme per node count and its ratio to naive at the same node
count (> 1 means faster than naive).

TransportRoundTripBenchmark: each variant's round-trip latency at each payload size and its ratio to
the raw NIO ping-pong (variant time / rawNio time, so > 1 means slower than raw NIO). Sample-time
results also get p50 (and its ratio to rawNio's p50), p99 and p99.9 columns.

Usage: perf/ratio-table.py RESULT.json [--markdown]
"""
import json
import sys
from collections import defaultdict

TARGET_LENGTH = "128"
TARGET_RATIO = 0.5


ROUND_TRIP_VARIANTS = ("rawNio", "tcpMessage", "tcpRead", "shmMessage", "shmRead")
TIME_MODES = ("avgt", "sample", "ss")


def fmt(cell):
    if cell is None:
        return "-"
    score, err = cell[0], cell[1]
    try:
        err = float(err)  # JMH writes "NaN" when there are too few iterations
    except (TypeError, ValueError):
        err = float("nan")
    if err != err:
        return "%.3f" % score
    return "%.3f ± %.3f" % (score, err)


def print_table(headers, rows, markdown):
    if markdown:
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---:" if i > 0 else "---" for i in range(len(headers))) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        print("  ".join(h.rjust(w) for h, w in zip(headers, widths)))
        for row in rows:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths)))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv
    if len(args) != 1:
        sys.exit(__doc__)
    with open(args[0]) as f:
        runs = json.load(f)
    printed = local_path_table(runs, markdown)
    if any("TransportRoundTripBenchmark" in run["benchmark"] for run in runs):
        if printed:
            print()
        printed = round_trip_table(runs, markdown) or printed
    if any("SamplingBenchmark" in run["benchmark"] for run in runs):
        if printed:
            print()
        printed = sampling_table(runs, markdown) or printed
    if not printed:
        sys.exit("no LocalPathBenchmark, TransportRoundTripBenchmark or SamplingBenchmark results in " + args[0])


SAMPLING_SCHEMES = ("naive", "preloc", "pool", "pool_postpone", "local")


def sampling_table(runs, markdown):
    """SamplingBenchmark: samples/s per (transport, nodes, scheme) and the ratio to naive at the same transport and
    node count (runs from before the transport param count as shm)."""
    cells = defaultdict(dict)  # (transport, nodes) -> scheme -> (score, error, unit)
    for run in runs:
        if "SamplingBenchmark" not in run["benchmark"]:
            continue
        params = run.get("params", {})
        metric = run["primaryMetric"]
        where = (params.get("transport", "shm"), int(params["nodes"]))
        cells[where][params["scheme"]] = (metric["score"], metric["scoreError"], metric["scoreUnit"])
    if not cells:
        return False
    rows = []
    for where in sorted(cells):
        base = cells[where].get("naive")
        for scheme in SAMPLING_SCHEMES:
            cell = cells[where].get(scheme)
            if cell is None:
                continue
            ratio = "-" if base is None else "%.2f" % (cell[0] / base[0])
            rows.append([where[0], str(where[1]), scheme, fmt(cell), ratio])
    unit = next(iter(next(iter(cells.values())).values()))[2]
    print("SamplingBenchmark, node 0's samples per second (" + unit + "), ratio to naive at the same transport and "
          "node count:")
    print_table(["transport", "nodes", "scheme", "samples/s", "x naive"], rows, markdown)
    return True


def round_trip_table(runs, markdown):
    """TransportRoundTripBenchmark: latency per (mode, size, variant) and its ratio to rawNio."""
    # (mode, size) -> variant -> (score, error, unit, percentiles)
    table = defaultdict(dict)
    for run in runs:
        if "TransportRoundTripBenchmark" not in run["benchmark"]:
            continue
        variant = run["benchmark"].rsplit(".", 1)[-1]
        size = run.get("params", {}).get("size", "?")
        metric = run["primaryMetric"]
        table[(run["mode"], size)][variant] = (
            metric["score"], metric["scoreError"], metric["scoreUnit"], metric.get("scorePercentiles", {}))
    if not table:
        return False

    def time_ratio(mode, cell, base):
        if cell is None or base is None or cell[0] == 0 or base[0] == 0:
            return None
        return cell[0] / base[0] if mode in TIME_MODES else base[0] / cell[0]

    modes = sorted({k[0] for k in table})
    sampled = "sample" in modes
    headers = ["mode", "size (B)", "variant", "round trip", "x rawNio"]
    if sampled:
        headers += ["p50", "p50 x rawNio", "p99", "p99.9"]
    rows = []
    units = set()
    for key in sorted(table, key=lambda k: (k[0], int(k[1]) if k[1].isdigit() else 0)):
        mode, size = key
        cells = table[key]
        base = cells.get("rawNio")
        others = [v for v in cells if v not in ROUND_TRIP_VARIANTS]
        for variant in [v for v in ROUND_TRIP_VARIANTS if v in cells] + sorted(others):
            cell = cells[variant]
            units.add(cell[2])
            r = time_ratio(mode, cell, base)
            row = [mode, size, variant, fmt(cell), "-" if r is None else ("%.2f" if r >= 0.1 else "%.4f") % r]
            if sampled:
                p = cell[3] if mode == "sample" else {}  # other modes' percentiles are of iterations
                base_p50 = base[3].get("50.0") if base and mode == "sample" else None
                p50 = p.get("50.0")
                r50 = p50 / base_p50 if p50 is not None and base_p50 else None
                row += ["%.3f" % p50 if p50 is not None else "-",
                        "-" if r50 is None else ("%.2f" if r50 >= 0.1 else "%.4f") % r50]
                row += ["%.3f" % p[q] if q in p else "-" for q in ("99.0", "99.9")]
            rows.append(row)
    print("TransportRoundTripBenchmark, units: " + ", ".join(sorted(units)) +
          "  (score ± 99.9% CI; x rawNio = latency / raw NIO latency at the same size, >1 = slower)")
    print_table(headers, rows, markdown)
    return True


def local_path_table(runs, markdown):
    """LocalPathBenchmark: PS / raw and PS / heap speed ratios; False if the results have none."""
    # (mode, length, threads) -> variant -> (score, error, unit)
    table = defaultdict(dict)
    for run in runs:
        method = run["benchmark"].rsplit(".", 1)[-1]
        if "LocalPathBenchmark" not in run["benchmark"] or "_" not in method:
            continue
        variant = method.split("_", 1)[0]
        length = run.get("params", {}).get("length", "?")
        metric = run["primaryMetric"]
        table[(run["mode"], length, run["threads"])][variant] = (
            metric["score"], metric["scoreError"], metric["scoreUnit"])

    def speed_ratio(mode, ps, base):
        if ps is None or base is None or ps[0] == 0 or base[0] == 0:
            return None
        return base[0] / ps[0] if mode in ("avgt", "sample", "ss") else ps[0] / base[0]

    def fmt_ratio(r):
        return "-" if r is None else "%.2f" % r

    headers = ["mode", "length", "threads", "PS", "raw UnsafeBuffer", "raw unchecked", "heap float[]",
               "PS/raw", "PS/raw unchecked", "PS/heap"]
    rows = []
    units = set()
    verdicts = []
    for key in sorted(table, key=lambda k: (k[0], int(k[1]) if k[1].isdigit() else 0, k[2])):
        mode, length, threads = key
        cells = table[key]
        ps, raw, unchecked, heap = (cells.get(v) for v in ("ps", "raw", "rawUnchecked", "heap"))
        for c in (ps, raw, unchecked, heap):
            if c:
                units.add(c[2])
        r_raw = speed_ratio(mode, ps, raw)
        r_unchecked = speed_ratio(mode, ps, unchecked)
        r_heap = speed_ratio(mode, ps, heap)
        rows.append([mode, length, str(threads), fmt(ps), fmt(raw), fmt(unchecked), fmt(heap),
                     fmt_ratio(r_raw), fmt_ratio(r_unchecked), fmt_ratio(r_heap)])
        if length == TARGET_LENGTH and r_raw is not None:
            verdicts.append("length %s, %d thread(s): PS/raw = %.2f -> %s (target >= %.1f)%s" % (
                length, threads, r_raw, "MET" if r_raw >= TARGET_RATIO else "NOT MET", TARGET_RATIO,
                "" if r_unchecked is None else "; PS/raw unchecked = %.2f -> %s" % (
                    r_unchecked, "MET" if r_unchecked >= TARGET_RATIO else "NOT MET")))

    if not rows:
        return False
    print("units: " + ", ".join(sorted(units)) + "  (score ± 99.9% CI; ratios are speed ratios, >1 = PS faster)")
    print_table(headers, rows, markdown)
    for v in verdicts:
        print(v)
    return True


if __name__ == "__main__":
    main()
