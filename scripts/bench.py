#!/usr/bin/env python3
"""First figures for coroq: starts a release coroqd on a temporary directory and measures, through the
real protocol and CLI:

  seed      coroq submit sleep 2; coroq submit sleep 3; coroq wait --all   (wall time, target ~3 s)
  sleeps    N `sleep 1` tasks in one submit request; time from the ack to all done (ideal ~1 s)
  noops     N `noop` tasks in one submit request; time from the request to all done; tasks/s
  submit    one `coroq submit noop` process, median of many runs (hyperfine when present)
  batch     N `noop` lines through `coroq submit --batch`, then `coroq wait --all`: time until all are
            complete and durable, tasks/s; with --synchronous normal or full (the daemon's setting)

Usage: swift build -c release && scripts/bench.py [--n 10000] [--synchronous normal|full] [--only WORKLOAD]…
       scripts/bench.py --only batch --n 100000 --synchronous full
Prints one JSON line per workload. The full benchmark runner (issue 5) will supersede this.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")


class Connection:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.next_id = 0
        self.call("hello", {"protocol_version": 1, "client": "bench.py"})

    def send(self, method, params):
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        self.sock.sendall(line.encode() + b"\n")
        return self.next_id

    def call(self, method, params):
        request_id = self.send(method, params)
        while True:
            message = json.loads(self.file.readline())
            if message.get("id") == request_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024


def start_daemon(directory, synchronous):
    socket_path = os.path.join(directory, "coroqd.sock")
    daemon = subprocess.Popen(
        [os.path.join(BIN, "coroqd"), "--socket", socket_path, "--db", os.path.join(directory, "coroq.db"),
         "--log-level", "warning", "--shutdown-grace", "0", "--synchronous", synchronous], stderr=subprocess.DEVNULL)
    for _ in range(500):
        if os.path.exists(socket_path):
            try:
                Connection(socket_path)
                return daemon, socket_path
            except OSError:
                pass
        time.sleep(0.01)
    raise RuntimeError("coroqd did not start")


def bulk(socket_path, job, args, n):
    connection = Connection(socket_path)
    start = time.perf_counter()
    ids = connection.call("submit", {"tasks": [{"job": job, "args": args}] * n})["ids"]
    acked = time.perf_counter()
    result = connection.call("wait", {"ids": ids})
    done = time.perf_counter()
    assert not result["pending"], result
    return start, acked, done


def workload_batch(options, env, coroq, directory, daemon):
    batch = os.path.join(directory, "batch.ndjson")
    with open(batch, "w") as out:
        out.write('{"job":"noop"}\n' * options.n)
    start = time.perf_counter()
    with open(batch) as stdin:
        subprocess.run([coroq, "submit", "--batch"], env=env, check=True, stdin=stdin, stdout=subprocess.DEVNULL)
    acked = time.perf_counter()
    subprocess.run([coroq, "wait", "--all"], env=env, check=True, stdout=subprocess.DEVNULL)
    done = time.perf_counter()
    return {"n": options.n, "synchronous": options.synchronous, "submit_s": round(acked - start, 3),
            "e2e_s": round(done - start, 3), "tasks_per_s": round(options.n / (done - start)),
            "daemon_peak_rss_mb": round(peak_rss_mb(daemon.pid), 1)}


def workload_seed(options, env, coroq, directory, daemon):
    start = time.perf_counter()
    subprocess.run([coroq, "submit", "sleep", "2"], env=env, check=True, capture_output=True)
    subprocess.run([coroq, "submit", "sleep", "3"], env=env, check=True, capture_output=True)
    subprocess.run([coroq, "wait", "--all"], env=env, check=True, capture_output=True)
    return {"total_s": round(time.perf_counter() - start, 3)}


def workload_sleeps(options, env, coroq, directory, daemon):
    start, acked, done = bulk(env["COROQ_SOCKET"], "sleep", {"seconds": 1}, options.n)
    return {"n": options.n, "submit_s": round(acked - start, 3), "after_ack_s": round(done - acked, 3),
            "daemon_peak_rss_mb": round(peak_rss_mb(daemon.pid), 1)}


def workload_noops(options, env, coroq, directory, daemon):
    start, acked, done = bulk(env["COROQ_SOCKET"], "noop", {}, options.n)
    return {"n": options.n, "e2e_s": round(done - start, 3), "tasks_per_s": round(options.n / (done - start)),
            "daemon_peak_rss_mb": round(peak_rss_mb(daemon.pid), 1)}


def workload_submit(options, env, coroq, directory, daemon):
    if shutil.which("hyperfine"):
        export = os.path.join(directory, "hyperfine.json")
        subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", "100", "--export-json", export,
                        f"{coroq} submit noop"], env=env, check=True, capture_output=True)
        times = json.load(open(export))["results"][0]["times"]
    else:
        times = []
        for _ in range(100):
            start = time.perf_counter()
            subprocess.run([coroq, "submit", "noop"], env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return {"median_ms": round(statistics.median(times) * 1000, 2), "runs": len(times)}


WORKLOADS = {"batch": workload_batch, "seed": workload_seed, "sleeps": workload_sleeps,
             "noops": workload_noops, "submit": workload_submit}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--synchronous", choices=["normal", "full"], default="normal")
    parser.add_argument("--only", choices=sorted(WORKLOADS), action="append",
                        help="run only these workloads (repeatable); default: all")
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="coroq-bench-")
    daemon, socket_path = start_daemon(directory, options.synchronous)
    env = dict(os.environ, COROQ_SOCKET=socket_path)
    coroq = os.path.join(BIN, "coroq")
    try:
        for name, workload in WORKLOADS.items():
            if options.only and name not in options.only:
                continue
            print(json.dumps({"workload": name, **workload(options, env, coroq, directory, daemon)}), flush=True)
    finally:
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
