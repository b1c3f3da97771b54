import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// The daemon's `TaskStore`: one SQLite file in WAL mode, written by this process only.
///
/// Each state change is one savepoint inside a group-committed transaction (`GroupCommitWriter`); the state
/// machine (`TaskState.applying`) decides, the SQL applies.
public struct SQLiteTaskStore: TaskStore {
    /// How hard SQLite works to keep a commit through a power cut (docs/ARCHITECTURE.md, "Durability").
    public enum Synchronous: String, Sendable, CaseIterable {
        /// WAL + `synchronous = NORMAL`: a commit survives a crash of coroqd or of any process; a power cut
        /// or kernel crash may lose the last commits before the WAL was synced (never corrupts).
        case normal
        /// `synchronous = FULL`: the WAL is synced at every commit; a power cut loses nothing acknowledged.
        case full
    }

    let writer: any DatabaseWriter
    let batch: GroupCommitWriter
    /// Dependents settled by committed writes, until the scheduler takes them (`takeSettledDependents`).
    let settled = SettledDependents()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Important: refuses, without writing to it, a file that is not a coroq database, is damaged, or has
    ///   a schema newer than this binary (`StartupCheck`).
    public static func open(path: String, synchronous: Synchronous = .normal, busyTimeout: TimeInterval = 5) throws -> SQLiteTaskStore {
        try StartupCheck.inspect(path: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "coroq"
        let pool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool sets `synchronous = NORMAL` on its writer after `prepareDatabase` runs: set the
        // chosen mode on the writer itself, once the pool is open.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous == .full ? "FULL" : "NORMAL")")
            // Each write of a group commit runs in a savepoint, whose rollback journal ("statement journal")
            // SQLite keeps in a temporary file by default: 14 pwrite calls per task at 100k tasks (strace).
            // It only ever serves a rollback inside an open transaction, so memory is as safe and free.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return try SQLiteTaskStore(writer: pool)
    }

    /// Wraps an open database (a `DatabaseQueue` in tests) and migrates it.
    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        self.batch = GroupCommitWriter(writer: writer)
        try Schema.migrate(writer)
    }

    /// The `synchronous` setting in force on the writer connection (1 = NORMAL, 2 = FULL).
    public func synchronousLevel() throws -> Int {
        try writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func submit(_ tasks: [NewTask], at now: Date) async throws -> [TaskRecord] {
        let rows = try Self.submittedRows(tasks)
        let dependent = tasks.contains { $0.after != nil }
        let (ids, settled) = try await batch.write { db in
            if dependent { try Self.checkDependenciesExist(of: tasks, in: db) }
            let ids = try Self.insert(rows, at: now, in: db)
            guard dependent else { return (ids, [TaskRecord]()) }
            return (ids, try Self.addDependencies(of: tasks, ids: ids, at: now, in: db))
        }
        self.settled.add(settled)
        TaskMetrics.shared.submitted(tasks)
        return Self.records(of: tasks, ids: ids, settled: settled, at: now)
    }

    /// The tasks as one JSON array of `NewTaskSlot` rows, for one statement for the whole batch (a
    /// statement per task was measurable at 100k); encoded off the writer's queue.
    /// A task with none of the options past `NewTaskSlot.plain` (no delay, priority, retries, queue, label,
    /// timeout, key or success/failure callback) is a shorter array, without those slots (`value ->> N` past
    /// its end reads NULL, and the insert reads NULL as the column's default): a plain submit encodes and
    /// extracts no more than before the options came.
    static func submittedRows(_ tasks: [NewTask]) throws -> SubmittedRows {
        var allPlain = true
        let json = JSONValue.array(try tasks.map { task in
            let plain = task.isPlain
            allPlain = allPlain && plain
            return .array(try (plain ? NewTaskSlot.plain : NewTaskSlot.allCases).map { slot in
                switch slot {
                case .job: .string(task.job)
                case .arguments: .string(try task.arguments.storedText())
                case .onDone: task.onDone.map(JSONValue.string) ?? .null
                case .repeatable: .bool(task.repeatable)
                case .state: .string(task.initialState.rawValue)
                case .runAt: task.runAt.map { .double($0.timeIntervalSince1970) } ?? .null
                case .priority: .int(Int64(task.priority))
                case .retryPolicy: try task.retryPolicy.map { .string(try $0.storedText()) } ?? .null
                case .queue: .string(task.queue)
                case .label: task.label.map(JSONValue.string) ?? .null
                case .timeout: task.timeout.map(JSONValue.double) ?? .null
                case .key: task.key.map(JSONValue.string) ?? .null
                case .onSuccess: task.onSuccess.map(JSONValue.string) ?? .null
                case .onFailure: task.onFailure.map(JSONValue.string) ?? .null
                }
            })
        }).jsonText
        return SubmittedRows(json: json, plain: allPlain)
    }

    /// Inserts `submittedRows` as tasks in their initial state; returns their ids, in order. A batch of
    /// plain tasks (most batches) names only the plain columns: the others take their defaults, and each row
    /// is read with 5 JSON extractions instead of 14 (W1's inserts, measured in BENCHMARKS.md).
    static func insert(_ rows: SubmittedRows, at now: Date, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: rows.plain ? insertPlain : insertSubmitted),
                           arguments: [now.timeIntervalSince1970, rows.json]).sorted()
    }

    /// The records of tasks just inserted with `ids` (sorted: AUTOINCREMENT ids rise in the order of
    /// insertion, whatever order RETURNING gives them in), `settled` ones (dependencies met or failed at
    /// submit) as they are now.
    static func records(of tasks: [NewTask], ids: [Int64], settled: [TaskRecord] = [], at now: Date) -> [TaskRecord] {
        let settledByID = Dictionary(settled.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return zip(ids, tasks).map { id, task in
            settledByID[TaskID(id)] ?? TaskRecord(
                id: TaskID(id), job: task.job, arguments: task.arguments, state: task.initialState,
                onDone: task.onDone, repeatable: task.repeatable, createdAt: now, runAt: task.runAt,
                priority: task.priority, retryPolicy: task.retryPolicy, queue: task.queue, label: task.label,
                timeout: task.timeout, key: task.key, onSuccess: task.onSuccess, onFailure: task.onFailure)
        }
    }

    /// `insertSubmitted` for rows of `NewTaskSlot.plain` slots only.
    private static let insertPlain = """
        INSERT INTO tasks (\(NewTaskSlot.plain.map(\.column.name).joined(separator: ", ")), created_at)
        SELECT \(NewTaskSlot.extraction(NewTaskSlot.plain)), ?1 FROM json_each(?2) ORDER BY key
        RETURNING id
        """

    /// Inserts a JSON array of `NewTaskSlot` rows as tasks created at `?1`; returns their ids.
    private static let insertSubmitted = """
        INSERT INTO tasks (\(NewTaskSlot.allCases.map(\.column.name).joined(separator: ", ")), created_at)
        SELECT \(NewTaskSlot.insertExtraction), ?1 FROM json_each(?2) ORDER BY key
        RETURNING id
        """

    public func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date) async throws -> TaskRecord {
        let (record, settled) = try await batch.write { db in
            let record = try Self.finish(id, outcome: outcome, at: now, in: db)
            return (record, try Self.settleDependents(of: [id.rawValue], at: now, in: db))
        }
        self.settled.add(settled)
        return record
    }

    public func finish(
        claimedBatch: [(claimed: TaskRecord, outcome: TaskOutcome)], at now: Date
    ) async throws -> [TaskRecord?] {
        let outcomes = try claimedBatch.map { try ClaimedOutcome($0.claimed, $0.outcome, at: now) }
        let (finished, settled) = try await batch.write { db in
            let finished = try Self.record(outcomes, at: now, in: db).map { try? $0.get() }
            // Same transaction: a crash cannot separate an outcome from the release of its dependents. A
            // task backing off for a retry has not finished: its dependents wait on.
            let settled = try Self.settleDependents(
                of: finished.compactMap { $0?.state.isFinal == true ? $0?.id.rawValue : nil }, at: now, in: db)
            return (finished, settled)
        }
        self.settled.add(settled)
        return finished
    }

    public func takeSettledDependents() async -> [TaskRecord] {
        settled.take()
    }

    /// Records claimed attempts' outcomes: two statements for all the tasks still running as claimed (the
    /// tasks, then their attempts); a task changed since its claim goes through the reading path, and its
    /// refusal (written before anything of it) is its result.
    private static func record(
        _ outcomes: [ClaimedOutcome], at now: Date, in db: Database
    ) throws -> [Result<TaskRecord, TaskTransitionError>] {
        let rows = JSONValue.array(outcomes.map(\.batchRow)).jsonText
        // Most batches have no attempt backing off for a retry: their statement does not write `run_at`.
        let backingOff = outcomes.contains { $0.finished.state == .scheduled }
        let recorded = Set(try Int64.fetchAll(db.cachedStatement(sql: backingOff ? recordBatchOutcomes : recordBatchFinishes),
                                              arguments: [now.timeIntervalSince1970, rows]))
        let closed = JSONValue.array(outcomes.filter { recorded.contains($0.claimed.id.rawValue) }.map(\.batchRow))
        try db.cachedStatement(sql: closeBatchAttempts).execute(arguments: [now.timeIntervalSince1970, closed.jsonText])
        return try outcomes.map { outcome in
            if recorded.contains(outcome.claimed.id.rawValue) { return .success(outcome.finished) }
            do {
                return .success(try finish(outcome.claimed.id, outcome: outcome.outcome, at: now, in: db))
            } catch let refusal as TaskTransitionError {
                return .failure(refusal)
            }
        }
    }

    /// `recordOutcome` for a batch given as a JSON array of `ClaimedOutcome.batchRow`s; returns the ids of
    /// the tasks it recorded.
    private static let recordBatchOutcomes = """
        UPDATE tasks SET state = batch.state, result = batch.result, error = batch.error,
            finished_at = CASE WHEN batch.run_at IS NULL THEN ?1 END, run_at = COALESCE(batch.run_at, tasks.run_at),
            on_done_status = CASE WHEN batch.run_at IS NULL AND (on_done IS NOT NULL
                OR (on_success IS NOT NULL AND batch.state = 'succeeded')
                OR (on_failure IS NOT NULL AND batch.state IN ('failed', 'cancelled'))) THEN 'pending' END
        FROM (SELECT \(OutcomeSlot.extraction([.taskID, .attempt, .state, .result, .error, .runAt])) FROM json_each(?2)) AS batch
        WHERE tasks.id = batch.id AND tasks.state = \(StoredTransition.outcome.from) AND tasks.attempts = batch.attempt
        RETURNING tasks.id
        """

    /// `recordBatchOutcomes` for a batch where no attempt backs off for a retry: every task finishes.
    private static let recordBatchFinishes = """
        UPDATE tasks SET state = batch.state, result = batch.result, error = batch.error, finished_at = ?1,
            on_done_status = CASE WHEN on_done IS NOT NULL
                OR (on_success IS NOT NULL AND batch.state = 'succeeded')
                OR (on_failure IS NOT NULL AND batch.state IN ('failed', 'cancelled')) THEN 'pending' END
        FROM (SELECT \(OutcomeSlot.extraction([.taskID, .attempt, .state, .result, .error])) FROM json_each(?2)) AS batch
        WHERE tasks.id = batch.id AND tasks.state = \(StoredTransition.outcome.from) AND tasks.attempts = batch.attempt
        RETURNING tasks.id
        """

    /// `closeAttempt` for a batch of `ClaimedOutcome.batchRow`s.
    private static let closeBatchAttempts = """
        UPDATE attempts SET finished_at = ?1, outcome = batch.outcome, error = batch.error
        FROM (SELECT \(OutcomeSlot.extraction([.taskID, .attempt, .error, .attemptOutcome])) FROM json_each(?2)) AS batch
        WHERE attempts.task_id = batch.id AND attempts.number = batch.attempt AND attempts.finished_at IS NULL
        """

    /// An attempt's outcome, decided and encoded off the writer's queue.
    private struct ClaimedOutcome: Sendable {
        let claimed: TaskRecord
        let outcome: TaskOutcome
        let finished: TaskRecord
        let result: String?
        let error: String?

        init(_ claimed: TaskRecord, _ outcome: TaskOutcome, at now: Date) throws {
            self.claimed = claimed
            self.outcome = outcome
            finished = try claimed.finishing(outcome, at: now)
            result = try finished.result?.storedText()
            error = try finished.error?.storedText()
        }

        /// One element of a batch's JSON array, by `OutcomeSlot`.
        var batchRow: JSONValue {
            .array(OutcomeSlot.allCases.map { slot in
                switch slot {
                case .taskID: .int(claimed.id.rawValue)
                case .attempt: .int(Int64(claimed.attempts))
                case .state: .string(finished.state.rawValue)
                case .result: result.map(JSONValue.string) ?? .null
                case .error: error.map(JSONValue.string) ?? .null
                case .attemptOutcome: .string(AttemptOutcome(outcome).rawValue)
                // Set only for a retry's back-off (the task is `scheduled`, not finished).
                case .runAt: finished.state == .scheduled ? finished.runAt.map { .double($0.timeIntervalSince1970) } ?? .null : .null
                }
            })
        }
    }

    /// Records an outcome on a task still in the state (and attempt) it was read in (`finish` of a task by id).
    private static let recordOutcome = """
        UPDATE tasks SET state = ?, result = ?, error = ?, finished_at = ?, run_at = ?, on_done_status = ?
        WHERE id = ? AND state = ? AND attempts = ?
        """

    static func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date, in db: Database) throws -> TaskRecord {
        guard let current = try fetch(id, in: db) else { throw TaskStoreError.notFound(id) }
        let record = try current.finishing(outcome, at: now)
        try db.cachedStatement(sql: recordOutcome).execute(arguments: [
            record.state.rawValue, try record.result?.storedText(), try record.error?.storedText(),
            record.finishedAt?.timeIntervalSince1970, record.runAt?.timeIntervalSince1970,
            record.state.isFinal && !record.firingCallbacks.isEmpty ? "pending" : nil, id.rawValue, current.state.rawValue, current.attempts,
        ])
        if current.state == .running {
            try closeAttempt(of: current, as: AttemptOutcome(outcome), error: record.error, at: now, in: db)
        }
        return record
    }

    public func cutOff(_ ids: [TaskID], at now: Date) async throws -> [TaskRecord] {
        try await batch.write { db in
            try ids.map { id in
                guard let record = try Self.fetch(id, in: db) else { throw TaskStoreError.notFound(id) }
                try Self.cutOff(id, event: TaskEvent.cutOff(repeatable: record.repeatable),
                                attempt: record.repeatable ? .requeued : .interrupted, at: now, in: db)
                return try Self.fetch(id, in: db)!
            }
        }
    }

    public func retry(_ id: TaskID, at now: Date) async throws -> TaskRecord {
        try await batch.write { db in
            guard let record = try Self.fetch(id, in: db)?.retrying() else { throw TaskStoreError.notFound(id) }
            try db.execute(sql: """
                UPDATE tasks SET state = ?, started_at = NULL, result = NULL, error = NULL, finished_at = NULL,
                    on_done_status = NULL, cancel_reason = NULL
                WHERE id = ?
                """, arguments: [record.state.rawValue, id.rawValue])
            return record
        }
    }

    public func startBoot(at now: Date) async throws -> BootRecovery {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO boots (started_at) VALUES (?)", arguments: [now.timeIntervalSince1970])
            let boot = db.lastInsertedRowID
            var recovery = BootRecovery(boot: boot, requeued: [], interrupted: [], cancelled: try Self.honourCancelRequests(at: now, in: db))
            for row in try Row.fetchAll(db, sql: "SELECT id, repeatable FROM tasks WHERE state = \(StoredTransition.requeue.from) ORDER BY id") {
                let id = TaskID(row["id"] as Int64)
                if row["repeatable"] as Bool { recovery.requeued.append(id) } else { recovery.interrupted.append(id) }
            }
            // Set-based (a statement per task took 5 s for 100k running tasks): every open attempt of a
            // running task is cut off, then each task goes back to the queue (`requeue`) or, when it must
            // not repeat, to `interrupted` (`interrupt`), as `TaskRecord.applying` has them.
            try db.execute(sql: """
                UPDATE attempts SET finished_at = ?, outcome = ?, error = NULL
                WHERE finished_at IS NULL AND task_id IN (SELECT id FROM tasks WHERE state = \(StoredTransition.requeue.from))
                """, arguments: [now.timeIntervalSince1970, AttemptOutcome.interrupted.rawValue])
            try db.execute(sql: """
                UPDATE tasks SET state = CASE WHEN repeatable THEN \(StoredTransition.requeue.to) ELSE \(StoredTransition.interrupt.to) END,
                    started_at = CASE WHEN repeatable THEN NULL ELSE started_at END
                WHERE state = \(StoredTransition.requeue.from)
                """)
            return recovery
        }
    }

    public func recordCallbackRun(_ run: CallbackRun) async throws {
        try await batch.write { db in
            try db.execute(sql: """
                INSERT INTO callback_runs (task_id, started_at, finished_at, succeeded, detail) VALUES (?, ?, ?, ?, ?)
                """, arguments: [run.taskID.rawValue, run.startedAt.timeIntervalSince1970,
                                 run.finishedAt.timeIntervalSince1970, run.succeeded, run.detail])
            try db.execute(sql: "UPDATE tasks SET on_done_status = ? WHERE id = ?",
                           arguments: [run.succeeded ? "fired" : "failed", run.taskID.rawValue])
        }
    }

    public func checkpoint(_ task: TaskID, key: String, proposed: JSONValue) async throws -> JSONValue {
        let proposedText = try proposed.storedText()
        let stored = try await batch.write { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO task_checkpoints (task_id, key, value) VALUES (?, ?, ?)")
                .execute(arguments: [task.rawValue, key, proposedText])
            return try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM task_checkpoints WHERE task_id = ? AND key = ?"),
                arguments: [task.rawValue, key])
        }
        return try stored.map { try JSONValue(storedText: $0) } ?? proposed
    }

    public func clean(finishedBefore cutoff: Date, states: Set<TaskState>) async throws -> [TaskID] {
        let finalStates = states.filter(\.isFinal).map(\.rawValue)
        return try await batch.write { db in
            try Int64.fetchAll(db, sql: """
                DELETE FROM tasks WHERE finished_at < ? AND state IN (SELECT value FROM json_each(?))
                    AND (on_done_status IS NULL OR on_done_status <> 'pending') RETURNING id
                """, arguments: [cutoff.timeIntervalSince1970, JSONValue.array(finalStates.map(JSONValue.string)).jsonText]
            ).map { TaskID($0) }
        }
    }

    /// Ends a running task's attempt as cut off, and applies `event` (requeue or interrupt) to the task.
    private static func cutOff(
        _ id: TaskID, event: TaskEvent, attempt outcome: AttemptOutcome, at now: Date, in db: Database
    ) throws {
        guard let current = try fetch(id, in: db) else { throw TaskStoreError.notFound(id) }
        let record = try current.applying(event)
        try db.execute(sql: "UPDATE tasks SET state = ?, started_at = ? WHERE id = ?",
                       arguments: [record.state.rawValue, record.startedAt?.timeIntervalSince1970, id.rawValue])
        try closeAttempt(of: current, as: outcome, error: nil, at: now, in: db)
    }

    private static func closeAttempt(
        of task: TaskRecord, as outcome: AttemptOutcome, error: TaskError?, at now: Date, in db: Database
    ) throws {
        try db.cachedStatement(sql: """
            UPDATE attempts SET finished_at = ?, outcome = ?, error = ?
            WHERE task_id = ? AND number = ? AND finished_at IS NULL
            """).execute(arguments: [
                now.timeIntervalSince1970, outcome.rawValue, try error?.storedText(), task.id.rawValue, task.attempts,
            ])
    }

    /// A task by id, read in a write.
    static func fetch(_ id: TaskID, in db: Database) throws -> TaskRecord? {
        try TaskRecord.fetchOne(db.cachedStatement(sql: "SELECT \(TaskColumn.selection) FROM tasks WHERE id = ?"), arguments: [id.rawValue])
    }
}

extension SQLiteTaskStore {
    /// Raised after every committed write batch: what the dashboard's live pages listen to.
    public var changes: ChangeSignal { batch.changes }
}
