#!/usr/bin/env python3
"""A/B of two builds on W1's rows and W2 (scripts/bench's own functions), alternated run by run so the
machine's drift falls on both: python3 Benchmarks/ab-w1-w2.py BEFORE_BIN AFTER_BIN [REPEATS]
(each BIN a directory holding release coroq and coroqd). Prints one JSON line per run, then the medians and the least values."""
import importlib.machinery, importlib.util, json, os, statistics, sys, tempfile, types

here = os.path.dirname(os.path.abspath(__file__))
loader = importlib.machinery.SourceFileLoader("bench", os.path.join(here, "..", "scripts", "bench"))
spec = importlib.util.spec_from_loader("bench", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)

before, after = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
builds = [("before", before), ("after", after)]
runs = {"before": [], "after": []}
for r in range(repeats):
    for name, path in (builds if r % 2 == 0 else builds[::-1]):
        o = types.SimpleNamespace(bin=path, smoke=False, n_batch=50_000, n_throughput=100_000,
                                  workdir=tempfile.mkdtemp(prefix="ab-"), keep=False)
        plain = bench.w1_batch_printed(o, "plain")
        quiet = bench.w1_batch_printed(o, "quiet")
        batch = bench.w1_batch(o, "normal")
        clients = bench.w1_clients(o, "normal")
        w2 = bench.w2_sleeps(o, 100_000)
        line = {"build": name,
                "plain50k_cpu_us": round(plain["daemon_cpu_us_per_task"], 1),
                "quiet50k_cpu_us": round(quiet["daemon_cpu_us_per_task"], 1),
                "batch100k_cpu_us": round(batch.get("daemon_cpu_us_per_task", 0), 1),
                "clients8_cpu_us": round(clients["daemon_cpu_us_per_task"], 1),
                "w2_after_ack_s": round(w2["after_ack_s"], 3), "w2_rss_mb": w2["daemon_peak_rss_mb"]}
        print(json.dumps(line), flush=True)
        runs[name].append(line)
# The median, and the least: CPU time on a shared machine only ever gains from a neighbour's noise.
for name in runs:
    print(name, "median", json.dumps({k: statistics.median(l[k] for l in runs[name]) for k in runs[name][0] if k != "build"}))
    print(name, "least ", json.dumps({k: min(l[k] for l in runs[name]) for k in runs[name][0] if k != "build"}))
