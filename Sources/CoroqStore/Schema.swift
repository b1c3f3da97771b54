import GRDB

/// The database schema, as named migrations. Append only: a migration never changes once shipped.
enum Schema {
    /// Written into the file header (`PRAGMA application_id`) so a coroq database can be told from others.
    static let applicationID: Int32 = 0x636F_726F  // "coro"

    static func migrate(_ writer: any DatabaseWriter) throws {
        try writer.read(refuseNewer)
        try migrator.migrate(writer)
    }

    static func refuseNewer(_ db: Database) throws {
        if try migrator.hasBeenSuperseded(db) {
            throw StartupRefusal("it was written by a newer coroq (its schema has migrations this binary does not know); run that version or a newer one")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tasks") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // AUTOINCREMENT: an id is never reused, not even after the newest tasks are deleted.
            try db.execute(sql: """
                CREATE TABLE tasks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job TEXT NOT NULL,
                    arguments TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    result TEXT,
                    error TEXT,
                    on_done TEXT,
                    on_done_status TEXT,
                    created_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL
                );
                CREATE INDEX tasks_queued ON tasks (id) WHERE state = 'queued';
                CREATE INDEX tasks_by_state ON tasks (state);
                CREATE INDEX tasks_callback_pending ON tasks (id) WHERE on_done_status = 'pending';
                CREATE TABLE task_checkpoints (
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (task_id, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-attempts") { db in
            try db.execute(sql: """
                ALTER TABLE tasks ADD COLUMN repeatable INTEGER NOT NULL DEFAULT 1;
                CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;
                CREATE TABLE boots (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at REAL NOT NULL
                );
                CREATE TABLE attempts (
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    boot_id INTEGER NOT NULL,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    outcome TEXT,
                    error TEXT,
                    PRIMARY KEY (task_id, number)
                ) WITHOUT ROWID;
                CREATE TABLE callback_runs (
                    id INTEGER PRIMARY KEY,
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    started_at REAL NOT NULL,
                    finished_at REAL NOT NULL,
                    succeeded INTEGER NOT NULL,
                    detail TEXT
                );
                CREATE INDEX callback_runs_by_task ON callback_runs (task_id);
                """)
            // v1 kept only an attempt count and the last attempt's times: record that last attempt, in
            // boot 0 ("before history was kept"). A v1 task left running is open and recovered at start-up;
            // one queued again after an attempt was requeued by a v1 shutdown.
            try db.execute(sql: """
                INSERT INTO attempts (task_id, number, boot_id, started_at, finished_at, outcome, error)
                SELECT id, attempts, 0, COALESCE(started_at, created_at),
                       CASE WHEN state = 'running' THEN NULL
                            WHEN state = 'queued' THEN COALESCE(started_at, created_at)
                            ELSE finished_at END,
                       CASE WHEN state IN ('succeeded', 'failed', 'cancelled') THEN state
                            WHEN state = 'queued' THEN 'requeued' END,
                       CASE WHEN state = 'failed' THEN error END
                FROM tasks WHERE attempts > 0
                """)
        }
        // Per-state counts kept by triggers in the same transaction as the change, so `status` reads a
        // handful of rows instead of counting a million (issue 5, W6), and the counts are never stale.
        // The index on every task's state goes: each state change moved its entry twice (3 µs per task);
        // what still looks tasks up by state (running at start-up, finished for retention) has a partial
        // index of its own.
        migrator.registerMigration("v3-task-counts") { db in
            try db.execute(sql: """
                DROP INDEX tasks_by_state;
                CREATE INDEX tasks_running ON tasks (id) WHERE state = 'running';
                CREATE TABLE task_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO task_counts (state, n) SELECT state, COUNT(*) FROM tasks GROUP BY state;
                CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks BEGIN
                    INSERT INTO task_counts (state, n) VALUES (NEW.state, 1)
                        ON CONFLICT (state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER task_counts_update AFTER UPDATE OF state ON tasks WHEN OLD.state <> NEW.state BEGIN
                    UPDATE task_counts SET n = n - 1 WHERE state = OLD.state;
                    INSERT INTO task_counts (state, n) VALUES (NEW.state, 1)
                        ON CONFLICT (state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks BEGIN
                    UPDATE task_counts SET n = n - 1 WHERE state = OLD.state;
                END;
                """)
        }
        // Completed steps of tasks (`JobContext.step`, `coroq step`): one row per step, written before the
        // step returns. A rowid table, so `show` lists them in the order they were recorded.
        migrator.registerMigration("v4-steps") { db in
            try db.execute(sql: """
                CREATE TABLE task_steps (
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    result TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    started_at REAL NOT NULL,
                    finished_at REAL NOT NULL,
                    UNIQUE (task_id, name)
                );
                """)
        }
        // Dependencies of tasks submitted with `--after`: one row per edge while its dependent is `blocked`
        // (deleted when the dependent is released or cancelled, so that a finish looks up dependents in a
        // table of waiting edges only, and skips it when it is empty). `depends_on` has no foreign key:
        // retention may delete a finished dependency. Edges point to older ids only (a dependency must
        // exist when its dependent is submitted), so there are no cycles.
        migrator.registerMigration("v5-dependencies") { db in
            try db.execute(sql: """
                CREATE TABLE task_dependencies (
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    depends_on INTEGER NOT NULL,
                    policy TEXT NOT NULL,
                    PRIMARY KEY (task_id, depends_on)
                ) WITHOUT ROWID;
                CREATE INDEX task_dependencies_by_dependency ON task_dependencies (depends_on);
                """)
        }
        // Schedules (`[schedules.NAME]`, `coroq schedule add`), and which slot of which schedule each of its
        // tasks was submitted for. A firing's tasks, their `schedule_firings` rows and the schedule's new
        // `last_slot` are one transaction, and (schedule, slot) is a key: a slot never fires twice.
        migrator.registerMigration("v6-schedules") { db in
            try db.execute(sql: """
                CREATE TABLE schedules (
                    name TEXT PRIMARY KEY,
                    timing TEXT NOT NULL,
                    catch_up TEXT NOT NULL,
                    task TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    paused INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    last_slot REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE schedule_firings (
                    schedule TEXT NOT NULL,
                    slot REAL NOT NULL,
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    PRIMARY KEY (schedule, slot)
                ) WITHOUT ROWID;
                CREATE INDEX schedule_firings_by_task ON schedule_firings (task_id);
                """)
        }
        // Children (`JobContext.spawn`, `coroq spawn`) and durable cancel requests. A child's key is unique
        // per parent, so a re-run parent gets its children back; the partial indexes cost nothing for
        // tasks without a parent or a cancel request. No foreign key: a child may outlive a cleaned parent.
        migrator.registerMigration("v7-children") { db in
            try db.execute(sql: """
                ALTER TABLE tasks ADD COLUMN parent_id INTEGER;
                ALTER TABLE tasks ADD COLUMN spawn_key TEXT;
                ALTER TABLE tasks ADD COLUMN cancel_reason TEXT;
                CREATE UNIQUE INDEX tasks_children ON tasks (parent_id, spawn_key) WHERE parent_id IS NOT NULL;
                CREATE INDEX tasks_cancel_requested ON tasks (id) WHERE cancel_reason IS NOT NULL;
                """)
        }
        // Values sent to tasks (`coroq send`), kept until received, in order per task. `taken_by` is the
        // receive (its number within the task's run) that took the value: set in the transaction that hands
        // it out, so a re-run's receive of the same number gets the same value, and no value goes twice.
        migrator.registerMigration("v8-task-messages") { db in
            try db.execute(sql: """
                CREATE TABLE task_messages (
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    sent_at REAL NOT NULL,
                    taken_by INTEGER,
                    taken_at REAL,
                    PRIMARY KEY (task_id, sequence)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX task_messages_taken ON task_messages (task_id, taken_by) WHERE taken_by IS NOT NULL;
                """)
        }
        // Each task's latest progress report (`JobContext.progress`, `coroq progress`), a row per task that
        // reported any; written a few times a second at most (the daemon coalesces reports).
        migrator.registerMigration("v9-task-progress") { db in
            try db.execute(sql: """
                CREATE TABLE task_progress (
                    task_id INTEGER PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
                    fraction REAL,
                    note TEXT,
                    updated_at REAL NOT NULL
                );
                """)
        }
        // Delays, priorities and retries: a task waits `scheduled` until `run_at` (a delay or a retry's
        // back-off), found by the partial index on `run_at` (the earliest is one index step); claims take
        // `priority DESC, id` through the queued index, replaced to match that order (no temp B-tree).
        migrator.registerMigration("v10-delays-retries") { db in
            try db.execute(sql: """
                ALTER TABLE tasks ADD COLUMN run_at REAL;
                ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE tasks ADD COLUMN retry_policy TEXT;
                CREATE INDEX tasks_scheduled ON tasks (run_at) WHERE state = 'scheduled';
                DROP INDEX tasks_queued;
                CREATE INDEX tasks_queued ON tasks (priority DESC, id) WHERE state = 'queued';
                """)
        }
        // Queues (`--queue`, `coroq queue`, `[queues.NAME]`) and labels. A queue's limits are counted in the
        // scheduler's memory; this table keeps its settings (a restart keeps a pause). The partial index
        // serves the claim from one queue other than `default` (highest priority, then oldest first), as
        // `tasks_queued` serves the claim from all and from `default`: tasks of `default`, most of them, are
        // kept in one queued index, not two (a second index cost every submit and claim).
        migrator.registerMigration("v11-queues") { db in
            try db.execute(sql: """
                ALTER TABLE tasks ADD COLUMN queue TEXT NOT NULL DEFAULT 'default';
                ALTER TABLE tasks ADD COLUMN label TEXT;
                CREATE INDEX tasks_queued_by_queue ON tasks (queue, priority DESC, id)
                    WHERE state = 'queued' AND queue <> 'default';
                CREATE TABLE queues (
                    name TEXT PRIMARY KEY,
                    concurrency INTEGER,
                    rate TEXT,
                    paused INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // Per-attempt timeouts (`--timeout`, seconds), idempotency keys (`--key`: unique among the tasks
        // kept, so a key is free again once retention or `coroq clean` deletes its task), the success and
        // failure callbacks (`--on-success`, `--on-failure`, marked pending with `on_done_status` as
        // `on_done` is) and `--then` follow-ups (`input_from`: the task whose result is the follow-up's
        // input). The partial indexes cost nothing for tasks without a key or a chain.
        migrator.registerMigration("v12-timeouts-keys-chains") { db in
            try db.execute(sql: """
                ALTER TABLE tasks ADD COLUMN timeout REAL;
                ALTER TABLE tasks ADD COLUMN idempotency_key TEXT;
                ALTER TABLE tasks ADD COLUMN on_success TEXT;
                ALTER TABLE tasks ADD COLUMN on_failure TEXT;
                ALTER TABLE tasks ADD COLUMN input_from INTEGER;
                ALTER TABLE tasks ADD COLUMN then_on TEXT;
                CREATE UNIQUE INDEX tasks_by_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
                CREATE INDEX tasks_by_input_from ON tasks (input_from) WHERE input_from IS NOT NULL;
                """)
        }
        return migrator
    }

    /// The names of the migrations, oldest first (for upgrade tests).
    static var migrationNames: [String] { migrator.migrations }

    /// Applies the migrations up to and including `name` only: a database as an older coroq left it.
    static func migrate(_ writer: any DatabaseWriter, upTo name: String) throws {
        try migrator.migrate(writer, upTo: name)
    }
}
