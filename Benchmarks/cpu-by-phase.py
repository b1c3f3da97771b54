#!/usr/bin/env python3
"""The daemon CPU per task of W1's batch, split at the submit's acknowledgement: up to the ack (decode,
check, insert) and after it (claims, attempts, outcomes, and `coroq wait --all --quiet`'s read), for
builds alternated run by run: python3 Benchmarks/cpu-by-phase.py BIN [BIN…] REPEATS
(each BIN a directory holding release coroq and coroqd). Prints each run, then the medians."""
import os, statistics, subprocess, sys, tempfile, time


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(bin_dir, n=100_000):
    directory = tempfile.mkdtemp(prefix="phase-")
    socket = os.path.join(directory, "s")
    env = dict(os.environ, COROQ_SOCKET=socket)
    daemon = subprocess.Popen([f"{bin_dir}/coroqd", "--socket", socket, "--db", os.path.join(directory, "db"),
                               "--config", os.path.join(directory, "none.toml"), "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not os.path.exists(socket):
            time.sleep(0.02)
        start = cpu_seconds(daemon.pid)
        subprocess.run([f"{bin_dir}/coroq", "submit", "--batch"], input=b'{"job":"noop"}\n' * n, env=env,
                       stdout=subprocess.DEVNULL, check=True)
        acked = cpu_seconds(daemon.pid)
        subprocess.run([f"{bin_dir}/coroq", "wait", "--all", "--quiet"], env=env, check=True)
        done = cpu_seconds(daemon.pid)
    finally:
        daemon.terminate()
        daemon.wait()
        subprocess.run(["rm", "-rf", directory])
    return [(acked - start) / n * 1e6, (done - acked) / n * 1e6, (done - start) / n * 1e6]


builds, repeats = sys.argv[1:-1], int(sys.argv[-1])
runs = {build: [] for build in builds}
for repeat in range(repeats):
    for build in (builds if repeat % 2 == 0 else builds[::-1]):
        runs[build].append(run(build))
        print(build, "µs/task to the ack, after it, in all:", ["%.1f" % v for v in runs[build][-1]], flush=True)
for build in builds:
    print("median", build, ["%.1f" % statistics.median(r[i] for r in runs[build]) for i in range(3)])
