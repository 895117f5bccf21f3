#!/usr/bin/env python3
"""Merges the Google Benchmark JSON files of bench/run_micro.sh into OUT/summary.json and
OUT/summary.md (one row per benchmark: time, items/s, bytes/s), and prints the table."""
import glob
import json
import os
import sys


def rate(value, unit):
    if value is None:
        return ""
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{value / scale:.2f} {prefix}{unit}/s"
    return f"{value:.1f} {unit}/s"


def main(out_dir):
    rows = []
    context = None
    for path in sorted(glob.glob(os.path.join(out_dir, "*.json"))):
        if os.path.basename(path) == "summary.json":
            continue
        module, suite = os.path.basename(path)[: -len(".json")].split(".", 1)
        with open(path) as f:
            data = json.load(f)
        context = context or data.get("context", {})
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate" or b.get("error_occurred"):
                continue
            rows.append({
                "module": module,
                "suite": suite,
                "name": b["name"],
                "label": b.get("label", ""),
                "real_time": b.get("real_time"),
                "cpu_time": b.get("cpu_time"),
                "time_unit": b.get("time_unit", "ns"),
                "items_per_second": b.get("items_per_second"),
                "bytes_per_second": b.get("bytes_per_second"),
            })
    summary = {
        "machine": {k: context.get(k) for k in ("host_name", "num_cpus", "mhz_per_cpu", "date")}
        if context else {},
        "benchmarks": rows,
    }
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    lines = ["| module | benchmark | time | items/s | bytes/s |", "|---|---|---|---|---|"]
    for r in rows:
        name = r["name"] + (f" ({r['label']})" if r["label"] else "")
        lines.append(f"| {r['module']} | {name} | {r['real_time']:.4g} {r['time_unit']} | "
                     f"{rate(r['items_per_second'], 'items')} | {rate(r['bytes_per_second'], 'B')} |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write(table)
    sys.stdout.write(table)
    print(f"\n{len(rows)} benchmarks; {out_dir}/summary.json", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize_micro.py OUT_DIR")
    main(sys.argv[1])
