"""coroq: the product - a persistent SQLite-backed task-queue daemon (`coroqd`)
whose tasks run as coroutines, and its CLI (`coroq`).

The daemon runs in the foreground on a private socket and database in the run
directory:

    coroqd --socket RUN/coroqd.sock --db RUN/coroq.db --config RUN/coroqd.toml \
           --log-level warning --shutdown-grace 0 [--concurrency N] [--synchronous S]

(RUN/coroqd.toml does not exist: coroqd then uses its defaults, whatever the
user's ~/.config holds).  Clients find it through COROQ_SOCKET.

Job mapping (lib/common.py: Job):
  noop   -> the built-in `noop` job (no process)
  sleep  -> the built-in `sleep` job (a suspended coroutine, no process)
  append -> `exec` of job.shell() (`sh -c 'sleep S; echo ID >> FILE'`)

Submission: a bulk submit() (W1-W4) is ONE `coroq submit --batch` call fed
NDJSON on stdin - one all-or-nothing request, answered after the tasks are
committed - so `submit_s`/`enqueue_rate` include the CLI's start-up, the
request and the commit.  COROQ_SUBMIT=cli switches to one `coroq submit` call
per job (the CliPeer script, like tsp/nq).  W5 always times the one-call CLI
(`coroq submit noop`), plus the process start-up (`coroq --version`) and the
round trip of one submit on a warm socket connection from Python.

Completion: `coroq wait --all` (blocks until nothing that was queued or running
when it was asked is left), then `coroq status --json` counts: every task must
have succeeded.  `wait --all` only looks at tasks unfinished when it arrives,
so a task that failed before that would not change its exit code; the counts
catch it.  A failed or cancelled task makes wait_all() raise (the JSON line
then says which), never a silent success.  After W4's crash, wait_idle() waits
the same way but only reports the counts: jobs killed in the crash are
W4's measure, not an error of the harness.

Processes: the daemon carries BENCH_TAG, and so do its `exec` children (they
inherit its environment, in their own session), so W4's crash kills them too
and the memory figures include them.  CLI clients (`coroq submit`, `coroq
wait`, `coroq status`) are short-lived clients like the Python peers'
producers: they run without the tag, so they are neither measured nor killed.

Settings (environment of the harness):
  COROQ_BIN          directory holding coroq and coroqd
                     (default: <repo root>/.build/release; `swift build -c release`)
  COROQ_SYNCHRONOUS  normal | full  (default: coroqd's own default, normal)
  COROQ_SUBMIT       batch | cli    (default batch)
"""
from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path

from ..common import ROOT, Job
from ..procs import is_alive
from .base import CliPeer, poll_until

REPO = ROOT.parent.parent            # Benchmarks/peers -> the coroq repository
DEFAULT_BIN = REPO / ".build" / "release"
DAEMON_DEFAULT_CONCURRENCY = 100000  # `coroqd --help`: "(default 100000)"


class CoroqPeer(CliPeer):
    name = "coroq"
    persistent = True                  # SQLite (WAL); tasks survive kill -9
    default_concurrency = 0            # 0: no --concurrency flag (daemon default 100000)
    out_of_box_concurrency = 0

    def __init__(self, run_dir, watch, concurrency=None):
        super().__init__(run_dir, watch, concurrency)
        self.bin = Path(os.environ.get("COROQ_BIN") or DEFAULT_BIN)
        self.coroq = str(self.bin / "coroq")
        self.coroqd = str(self.bin / "coroqd")
        for exe in (self.coroq, self.coroqd):
            if not os.access(exe, os.X_OK):
                raise FileNotFoundError(
                    f"{exe} missing: run `swift build -c release` in {REPO} or set COROQ_BIN")
        self.sock = self.dir / "coroqd.sock"
        self.db = self.dir / "coroq.db"
        self.synchronous = os.environ.get("COROQ_SYNCHRONOUS", "")
        self.submit_mode = os.environ.get("COROQ_SUBMIT", "batch")
        if self.submit_mode not in ("batch", "cli"):
            raise ValueError(f"COROQ_SUBMIT={self.submit_mode!r}: batch or cli")
        self.proc: subprocess.Popen | None = None
        self.baseline: dict[str, int] = {}      # status counts after start() (the probe)
        self.counts: dict[str, int] = {}        # status counts after the last wait

    # -- description -------------------------------------------------------------
    def config(self):
        return {"concurrency": self.concurrency or f"unlimited (daemon default {DAEMON_DEFAULT_CONCURRENCY})",
                "synchronous": self.synchronous or "normal (default)",
                "submit": "one `coroq submit --batch` call" if self.submit_mode == "batch"
                          else "one `coroq submit` call per job"}

    def versions(self):
        def out(argv, **kw):
            try:
                return subprocess.run(argv, capture_output=True, text=True, timeout=10,
                                      **kw).stdout.strip()
            except (OSError, subprocess.TimeoutExpired):
                return ""
        v = {"coroq": out([self.coroq, "--version"]), "coroqd": out([self.coroqd, "--version"]),
             "bin": str(self.bin)}
        head = out(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
        if head:
            # read-only: no index refresh (another engineer may be using the tree)
            dirty = subprocess.run(
                ["git", "-C", str(REPO), "--no-optional-locks", "diff", "--quiet", "HEAD", "--",
                 "Sources", "Package.swift", "Package.resolved"],
                capture_output=True, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}).returncode
            v["git"] = head + ("+dirty" if dirty else "")
        return v

    def extra(self):
        done = {k: self.counts.get(k, 0) - self.baseline.get(k, 0) for k in self.counts}
        return {f"coroq_{k}": v for k, v in done.items() if v or k in ("succeeded", "failed")}

    # -- environment -------------------------------------------------------------
    def _isolate(self, env: dict[str, str]) -> dict[str, str]:
        env["COROQ_SOCKET"] = str(self.sock)
        # keep the user's coroq files (config, state, default socket) out of it
        env["XDG_CONFIG_HOME"] = str(self.dir / "xdg-config")
        env["XDG_STATE_HOME"] = str(self.dir / "xdg-state")
        env["XDG_RUNTIME_DIR"] = str(self.dir)
        return env

    def env(self):
        """The daemon's environment (tagged; its exec children inherit it)."""
        return self._isolate(super().env())

    def client_env(self):
        """CLI clients: not part of the queue, like the Python peers' producers."""
        env = self._isolate(dict(os.environ))
        env.pop("BENCH_TAG", None)
        return env

    def cli(self, *args, timeout=60, check=True, **kw) -> subprocess.CompletedProcess:
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = subprocess.run([self.coroq, *args], env=self.client_env(), timeout=timeout, **kw)
        if check and p.returncode != 0:
            raise RuntimeError(f"`coroq {' '.join(args[:2])}` exited {p.returncode}: "
                               f"{(p.stderr or b'').decode(errors='replace').strip()[-400:]}")
        return p

    def status_counts(self) -> dict[str, int]:
        out = self.cli("status", "--json", "--limit", "0").stdout
        return {k: int(v) for k, v in json.loads(out)["counts"].items()}

    # -- lifecycle -----------------------------------------------------------------
    def daemon_argv(self) -> list[str]:
        argv = [self.coroqd, "--socket", str(self.sock), "--db", str(self.db),
                "--config", str(self.dir / "coroqd.toml"),      # absent: defaults
                "--log-level", "warning", "--shutdown-grace", "0"]
        if self.concurrency:
            argv += ["--concurrency", str(self.concurrency)]
        if self.synchronous:
            argv += ["--synchronous", self.synchronous]
        return argv

    def start_daemon(self) -> None:
        self.proc = self.spawn(self.daemon_argv())

        def ready():
            if self.proc.poll() is not None:
                return True
            return (self.sock.exists() and self.cli("status", check=False, timeout=10,
                                                     stdout=subprocess.DEVNULL).returncode == 0)
        ok = poll_until(ready, 60, 0.02)
        if self.proc.poll() is not None:
            raise RuntimeError(f"coroqd exited with {self.proc.returncode} (see {self.dir}/peer.log): "
                               + self._log_tail())
        if not ok:
            raise RuntimeError(f"coroqd not ready after 60 s (see {self.dir}/peer.log)")

    def _log_tail(self) -> str:
        try:
            self.log.flush()
            return (self.dir / "peer.log").read_text(errors="replace").strip()[-400:]
        except OSError:
            return ""

    def start(self):
        """Start the daemon; run one probe task through it (like the Python
        peers) so the first measured submit does not pay for warming up."""
        self.start_daemon()
        self.cli("submit", "noop", stdout=subprocess.DEVNULL)
        self.cli("wait", "--all", "--quiet", stdout=subprocess.DEVNULL)
        self.baseline = self.status_counts()
        self.counts = dict(self.baseline)

    def restart(self):
        # no probe: with a concurrency limit it would queue behind the backlog
        self.start_daemon()

    def daemon_pids(self):
        return [self.proc.pid] if self.proc and is_alive(self.proc.pid) else []

    def crash(self):
        super().crash()
        if self.proc:
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)       # grace 0: running tasks requeued
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        super().stop()                                  # kill -9 whatever is left
        if self.proc:
            self.proc.wait()

    # -- jobs ----------------------------------------------------------------------
    def task_spec(self, job: Job) -> dict:
        if job.kind == "noop":
            return {"job": "noop"}
        if job.kind == "sleep":
            return {"job": "sleep", "args": {"seconds": job.secs}}
        return {"job": "exec", "args": {"argv": job.shell(), "cwd": str(self.dir)}}

    def submit_argv(self, job: Job) -> list[str]:
        """One CLI call per job (COROQ_SUBMIT=cli, and W5's `coroq submit noop`)."""
        if job.kind == "noop":
            return [self.coroq, "submit", "noop"]
        if job.kind == "sleep":
            return [self.coroq, "submit", "sleep", json.dumps(job.secs)]
        return [self.coroq, "submit", "exec", "--", *job.shell()]

    def submit(self, jobs: list[Job]) -> dict:
        if self.submit_mode == "cli":
            script = self.dir / "submit.sh"
            script.write_text("".join(shlex.join(self.submit_argv(j)) + "\n" for j in jobs))
            subprocess.run(["sh", str(script)], env=self.client_env(), check=True, timeout=600,
                           cwd=self.dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=self.log)
            return {}
        lines = "".join(json.dumps(self.task_spec(j), separators=(",", ":")) + "\n" for j in jobs)
        p = self.cli("submit", "--batch", input=lines.encode(), stdin=None, timeout=600)
        ids = p.stdout.split()
        if len(ids) != len(jobs):
            raise RuntimeError(f"coroq submit --batch printed {len(ids)} ids for {len(jobs)} tasks")
        return {}

    def _wait(self, timeout: float) -> int | None:
        """`coroq wait --all`: its exit code, None on timeout."""
        try:
            p = self.cli("wait", "--all", "--quiet", "--timeout", str(max(1, int(timeout))), check=False,
                         stdout=subprocess.DEVNULL, timeout=timeout + 10)
        except subprocess.TimeoutExpired:
            return None
        if p.returncode not in (0, 2, 3):
            raise RuntimeError(f"`coroq wait --all` exited {p.returncode}: "
                               f"{p.stderr.decode(errors='replace').strip()[-400:]}")
        return None if p.returncode == 3 else p.returncode

    def _unfinished(self) -> int:
        c = self.counts
        return c.get("queued", 0) + c.get("running", 0) + c.get("interrupted", 0)

    def wait_all(self, expected, timeout):
        deadline = time.monotonic() + timeout
        while True:
            rc = self._wait(deadline - time.monotonic())
            if rc is None:
                return False
            self.counts = self.status_counts()
            bad = {k: self.counts.get(k, 0) - self.baseline.get(k, 0)
                   for k in ("failed", "cancelled", "interrupted")}
            if any(bad.values()):
                raise RuntimeError(f"coroq: tasks did not succeed: {bad} "
                                   f"(wait --all exit {rc}; `COROQ_SOCKET={self.sock} coroq status`)")
            if self._unfinished() == 0:
                break
            if time.monotonic() >= deadline:    # submitted while waiting: wait again
                return False
        done = self.completed()
        if done < expected:
            raise RuntimeError(f"coroq: {done} tasks succeeded, {expected} expected")
        return True

    def wait_idle(self, expected, timeout):
        """After W4's crash: the restarted daemon re-queued the cut-off tasks;
        wait until nothing is queued or running.  Failed tasks (a job killed
        by the crash and recorded as failed) are reported, not an error."""
        deadline = time.monotonic() + timeout
        while True:
            if self._wait(deadline - time.monotonic()) is None:
                return False
            self.counts = self.status_counts()
            if self.counts.get("queued", 0) + self.counts.get("running", 0) == 0:
                return True
            if time.monotonic() >= deadline:
                return False

    def completed(self):
        return self.counts.get("succeeded", 0) - self.baseline.get("succeeded", 0)

    # -- W5 ------------------------------------------------------------------------
    def submit_one_env(self):
        return self.client_env()

    def startup_cmds(self):
        # the CLI's process start-up without talking to the daemon
        return {"cli_startup_ms": [self.coroq, "--version"]}

    def inproc_submit_latency(self, n: int = 200) -> dict:
        """Round trip of one `submit` (answered after its commit) on a warm
        socket connection: what a long-lived client pays per task."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(self.sock))
        f = s.makefile("rwb")

        def call(i, method, params):
            f.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": method,
                                "params": params}).encode() + b"\n")
            f.flush()
            while True:
                msg = json.loads(f.readline())
                if msg.get("id") == i:
                    if "error" in msg:
                        raise RuntimeError(f"coroqd {method}: {msg['error']}")
                    return msg["result"]
        try:
            call(0, "hello", {"protocol_version": 1, "client": "bench"})
            times = []
            for i in range(1, n + 1):
                t = time.perf_counter()
                call(i, "submit", {"tasks": [{"job": "noop"}]})
                times.append(time.perf_counter() - t)
        finally:
            f.close()
            s.close()
        return {"inproc_enqueue_ms": round(statistics.median(times) * 1000, 3)}
