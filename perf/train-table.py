#!/usr/bin/env python3
"""Prints the markdown table of perf/run-train.sh from its run summaries.

Usage: train-table.py DIR NAME...   (each NAME is a run "<nodes>-<mode>" whose summary is DIR/NAME.json)
"""
import json
import sys


def main():
    directory, names = sys.argv[1], sys.argv[2:]
    runs = []
    for name in names:
        with open(f"{directory}/{name}.json") as f:
            runs.append((name, json.load(f)))
    single = next((s for n, s in runs if n.endswith("-single")), None)
    classic = {s["nodes"]: s for n, s in runs if n.endswith("-classic")}
    metrics = list(runs[0][1]["quality"].keys())[:4]
    print()
    print(f"task {runs[0][1]['task']}, {runs[0][1]['threads']} worker threads per node, "
          f"{len(runs[0][1]['epochs'])} epochs, seed {runs[0][1]['seed']}")
    print()
    print("| nodes | mode | epoch s | examples/s | × single | × classic | " + " | ".join(metrics) +
          " | local accesses | replicated keys |")
    print("|---:|---|---:|---:|---:|---:|" + "---:|" * len(metrics) + "---:|---:|")
    for name, s in runs:
        epochs = s["epochs"]
        epoch_seconds = sum(e["seconds"] for e in epochs) / len(epochs)
        rate = s["updates_per_sec"]
        vs_single = f"{rate / single['updates_per_sec']:.2f}" if single and single["updates_per_sec"] else "-"
        c = classic.get(s["nodes"])
        vs_classic = f"{rate / c['updates_per_sec']:.2f}" if c and c["updates_per_sec"] else "-"
        quality = " | ".join(f"{s['quality'].get(m, float('nan')):.4f}" for m in metrics)
        print(f"| {s['nodes']} | {s['mode']} | {epoch_seconds:.2f} | {rate:,.0f} | {vs_single} | {vs_classic} | "
              f"{quality} | {100 * s['access']['share_local']:.1f}% | {s['access']['replicated_keys']} |")


if __name__ == "__main__":
    main()
