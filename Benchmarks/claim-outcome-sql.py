#!/usr/bin/env python3
"""SQLite alone: W1's insert, claim and outcome statements for 100k plain tasks, on an empty database made by
each build (its schema), in batches of 1000: µs per task for each statement.
    python3 Benchmarks/claim-outcome-sql.py BEFORE_BIN AFTER_BIN [REPEATS]
BEFORE_BIN is a build before issue 11 (13 task columns), AFTER_BIN one after it; each statement is
written out as that build runs it (SQLiteTaskStore+Claims.swift and SQLiteTaskStore.swift)."""
import json, os, shutil, sqlite3, subprocess, sys, tempfile, time

CORE = "id, job, arguments, state, attempts, result, error, on_done, repeatable, created_at, started_at, finished_at, parent_id"
OPTIONS = ["run_at", "priority", "retry_policy", "queue", "label", "timeout", "idempotency_key", "on_success", "on_failure", "input_from"]
HAS_OPTIONS = "CASE WHEN " + " AND ".join(
    "priority = 0" if c == "priority" else "queue = 'default'" if c == "queue" else f"{c} IS NULL" for c in OPTIONS
) + " THEN NULL ELSE 1 END"
STATEMENTS = {
    "before": (
        f"UPDATE tasks SET state = 'running', attempts = attempts + 1, started_at = ?1 WHERE id IN "
        f"(SELECT id FROM tasks WHERE state = 'queued' ORDER BY id LIMIT ?2) RETURNING {CORE}",
        """UPDATE tasks SET state = batch.state, result = batch.result, error = batch.error, finished_at = ?1,
           on_done_status = CASE WHEN on_done IS NULL THEN NULL ELSE 'pending' END
           FROM (SELECT value ->> 0 AS id, value ->> 1 AS attempt, value ->> 2 AS state, value ->> 3 AS result,
                 value ->> 4 AS error FROM json_each(?2)) AS batch
           WHERE tasks.id = batch.id AND tasks.state = 'running' AND tasks.attempts = batch.attempt RETURNING tasks.id"""),
    "after": (
        f"UPDATE tasks SET state = 'running', attempts = attempts + 1, started_at = ?1 WHERE id IN "
        f"(SELECT id FROM tasks WHERE state = 'queued' ORDER BY priority DESC, id LIMIT ?2) RETURNING {CORE}, {HAS_OPTIONS}",
        """UPDATE tasks SET state = batch.state, result = batch.result, error = batch.error, finished_at = ?1,
           on_done_status = CASE WHEN on_done IS NOT NULL OR (on_success IS NOT NULL AND batch.state = 'succeeded')
               OR (on_failure IS NOT NULL AND batch.state IN ('failed', 'cancelled')) THEN 'pending' END
           FROM (SELECT value ->> 0 AS id, value ->> 1 AS attempt, value ->> 2 AS state, value ->> 3 AS result,
                 value ->> 4 AS error FROM json_each(?2)) AS batch
           WHERE tasks.id = batch.id AND tasks.state = 'running' AND tasks.attempts = batch.attempt RETURNING tasks.id"""),
}
INSERT = """INSERT INTO tasks (job, arguments, on_done, repeatable, state, created_at)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ?1 FROM json_each(?2) ORDER BY key RETURNING id"""


def empty_database(bin_dir, directory):
    """The database a fresh coroqd of `bin_dir` creates (its migrations), checkpointed."""
    socket = os.path.join(directory, "s")
    daemon = subprocess.Popen([f"{bin_dir}/coroqd", "--socket", socket, "--db", os.path.join(directory, "db"),
                               "--config", os.path.join(directory, "none.toml")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not os.path.exists(socket):
        time.sleep(0.02)
    daemon.terminate()
    daemon.wait()
    connection = sqlite3.connect(os.path.join(directory, "db"))
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return os.path.join(directory, "db")


def run(template, kind, n=100_000, batch=1000):
    path = template + ".run"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copy(template, path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA temp_store = MEMORY")
    claim, outcome = STATEMENTS[kind]
    start = time.perf_counter()
    db.execute("BEGIN")
    db.execute(INSERT, (1.0, json.dumps([["noop", "{}", None, True, "queued"]] * n))).fetchall()
    db.execute("COMMIT")
    inserted = time.perf_counter()
    claiming = finishing = 0.0
    for _ in range(n // batch):
        a = time.perf_counter()
        db.execute("BEGIN")
        ids = [row[0] for row in db.execute(claim, (2.0, batch)).fetchall()]
        b = time.perf_counter()
        db.execute(outcome, (3.0, json.dumps([[i, 1, "succeeded", "null", None] for i in ids]))).fetchall()
        db.execute("COMMIT")
        claiming += b - a
        finishing += time.perf_counter() - b
    db.close()
    return [(inserted - start) / n * 1e6, claiming / n * 1e6, finishing / n * 1e6]


before, after = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
with tempfile.TemporaryDirectory() as scratch:
    templates = {}
    for kind, bin_dir in (("before", before), ("after", after)):
        os.makedirs(os.path.join(scratch, kind))
        templates[kind] = empty_database(bin_dir, os.path.join(scratch, kind))
    for _ in range(repeats):
        for kind in ("before", "after"):
            print(kind, "µs/task insert, claim, outcome:", ["%.2f" % v for v in run(templates[kind], kind)], flush=True)
