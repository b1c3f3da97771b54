#!/usr/bin/env python3
"""Fold the raw result lines (results.jsonl) into results.json: per workload,
case and peer, the median / min / max of every numeric figure over the
successful runs; plus a Markdown summary table (--markdown).

  aggregate.py results.jsonl > results.json
  aggregate.py --markdown results.jsonl
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections import defaultdict

# The figures shown in the summary table, per workload.
HEADLINE = {
    "w1": ["completion_rate", "enqueue_rate", "e2e_s", "inner_e2e_s", "daemon_peak_rss_mb",
           "peak_total_rss_mb"],
    "w2": ["wall_s", "after_submit_s", "submit_s", "inner_e2e_s", "daemon_peak_rss_mb",
           "peak_total_rss_mb", "peak_total_anon_mb"],
    "w3": ["total_s"],
    "w4": ["done_at_crash", "lost", "lost_of_backlog", "ran_twice", "recovery_s"],
    "w5": ["submit_median_ms", "python_startup_ms", "python_startup_and_import_ms",
           "cli_startup_ms", "inproc_enqueue_ms"],
}
SKIP = {"measurement_s", "cpus"}


def load(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                yield json.loads(line)


def fold(rows):
    groups = defaultdict(list)
    for r in rows:
        groups[(r["workload"], r.get("case", ""), r["peer"])].append(r)
    out: dict = {}
    for (wl, case, peer), runs in sorted(groups.items()):
        ok = [r for r in runs if r.get("ok")]
        entry = {"runs": len(runs), "ok_runs": len(ok)}
        skipped = {r["skipped"] for r in runs if r.get("skipped")}
        errors = sorted({r["error"] for r in runs if r.get("error")})
        if skipped:
            entry["skipped"] = sorted(skipped)[0]
        if errors:
            entry["errors"] = errors
        if ok:
            entry["config"] = ok[-1].get("config")
            entry["versions"] = ok[-1].get("versions")
            numeric = sorted({k for r in ok for k, v in r.items()
                              if isinstance(v, (int, float)) and not isinstance(v, bool)
                              and k not in SKIP})
            for stat, fn in (("median", statistics.median), ("min", min), ("max", max)):
                entry[stat] = {k: round(fn(vals), 4) for k in numeric
                               if (vals := [r[k] for r in ok if isinstance(r.get(k), (int, float))])}
        out.setdefault(wl, {}).setdefault(case, {})[peer] = entry
    return out


def machine():
    def cmd(*a):
        try:
            return subprocess.run(a, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "")
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo")
                  if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "mem_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "os": cmd("sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"),
            "loadavg_at_aggregate": open("/proc/loadavg").read().split()[:3]}


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def markdown(data):
    lines = []
    for wl, cases in data["results"].items():
        cols = HEADLINE.get(wl, [])
        for case, peers in cases.items():
            lines.append(f"\n### {wl} {case}\n")
            lines.append("| peer | ok/runs | " + " | ".join(cols) + " |")
            lines.append("|---|---|" + "---|" * len(cols))
            for peer, e in peers.items():
                if not e.get("median"):
                    why = e.get("skipped") or "; ".join(e.get("errors", []))[:120]
                    lines.append(f"| {peer} | {e['ok_runs']}/{e['runs']} | n/a: {why} |")
                    continue
                m = e["median"]
                lines.append(f"| {peer} | {e['ok_runs']}/{e['runs']} | "
                             + " | ".join(fmt(m.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("jsonl")
    p.add_argument("--markdown", action="store_true", help="print the summary tables instead")
    a = p.parse_args()
    rows = list(load(a.jsonl))
    data = {"generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
            "raw": os.path.basename(a.jsonl), "lines": len(rows),
            "statistic": "median over ok runs (min/max alongside)", "results": fold(rows)}
    print(markdown(data) if a.markdown else json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
