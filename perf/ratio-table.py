#!/usr/bin/env python3
"""Ratio table for LocalPathBenchmark JMH JSON results: PS / raw UnsafeBuffer (bounds-checked and
unchecked) and PS / heap float[].

Usage: perf/ratio-table.py RESULT.json [--markdown]

Ratios are of speed (throughput), so > 1 means the parameter server is faster. For average-time
results the ratio is inverted accordingly (baseline time / PS time).
"""
import json
import sys
from collections import defaultdict

TARGET_LENGTH = "128"
TARGET_RATIO = 0.5


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv
    if len(args) != 1:
        sys.exit(__doc__)
    with open(args[0]) as f:
        runs = json.load(f)

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

    def fmt(cell):
        if cell is None:
            return "-"
        score, err, _ = cell
        try:
            err = float(err)  # JMH writes "NaN" when there are too few iterations
        except (TypeError, ValueError):
            err = float("nan")
        if err != err:
            return "%.3f" % score
        return "%.3f ± %.3f" % (score, err)

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
        sys.exit("no LocalPathBenchmark results in " + args[0])
    print("units: " + ", ".join(sorted(units)) + "  (score ± 99.9% CI; ratios are speed ratios, >1 = PS faster)")
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
    for v in verdicts:
        print(v)


if __name__ == "__main__":
    main()
