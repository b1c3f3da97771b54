import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// The daemon's `TaskStore`: one SQLite file in WAL mode, written by this process only.
///
/// Each state change is one transaction; the state machine (`TaskState.applying`) decides, the SQL applies.
public struct SQLiteTaskStore: TaskStore {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Important: refuses, without writing, a database whose schema is newer than this binary.
    public static func open(path: String) throws -> SQLiteTaskStore {
        if FileManager.default.fileExists(atPath: path) {
            try Schema.checkReadOnly(path: path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "coroq"
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try SQLiteTaskStore(writer: pool)
    }

    /// Wraps an open database (a `DatabaseQueue` in tests) and migrates it.
    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Schema.migrate(writer)
    }

    public func submit(_ tasks: [NewTask], at now: Date) async throws -> [TaskRecord] {
        let encoded = try tasks.map { ($0, try $0.arguments.storedText()) }
        return try await writer.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO tasks (job, arguments, state, on_done, created_at) VALUES (?, ?, 'queued', ?, ?)
                """)
            return try encoded.map { task, arguments in
                try insert.execute(arguments: [task.job, arguments, task.onDone, now.timeIntervalSince1970])
                return TaskRecord(
                    id: TaskID(db.lastInsertedRowID), job: task.job, arguments: task.arguments, state: .queued,
                    onDone: task.onDone, createdAt: now)
            }
        }
    }

    public func claim(limit: Int, at now: Date) async throws -> [TaskRecord] {
        try await writer.write { db in
            let rows = try Row.fetchAll(db, sql: """
                UPDATE tasks SET state = 'running', attempts = attempts + 1, started_at = ?
                WHERE id IN (SELECT id FROM tasks WHERE state = 'queued' ORDER BY id LIMIT ?)
                RETURNING *
                """, arguments: [now.timeIntervalSince1970, limit])
            return try rows.map(TaskRecord.init(row:)).sorted { $0.id < $1.id }
        }
    }

    public func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date) async throws -> TaskRecord {
        try await writer.write { db in
            guard let current = try Self.fetch(id, in: db) else { throw TaskStoreError.notFound(id) }
            let record = try current.finishing(outcome, at: now)
            try db.execute(sql: """
                UPDATE tasks SET state = ?, result = ?, error = ?, finished_at = ?,
                    on_done_status = CASE WHEN on_done IS NULL THEN NULL ELSE 'pending' END
                WHERE id = ?
                """, arguments: [
                    record.state.rawValue, try record.result?.storedText(), try record.error?.storedText(),
                    now.timeIntervalSince1970, id.rawValue,
                ])
            return record
        }
    }

    public func requeue(_ ids: [TaskID]) async throws {
        try await writer.write { db in try Self.requeue(ids, in: db) }
    }

    public func recoverInterrupted() async throws -> [TaskID] {
        try await writer.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM tasks WHERE state = 'running' ORDER BY id")
                .map { TaskID($0) }
            try Self.requeue(ids, in: db)
            return ids
        }
    }

    public func markCallbackFired(_ id: TaskID, succeeded: Bool) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE tasks SET on_done_status = ? WHERE id = ?",
                arguments: [succeeded ? "fired" : "failed", id.rawValue])
        }
    }

    public func checkpoint(_ task: TaskID, key: String, proposed: JSONValue) async throws -> JSONValue {
        let proposedText = try proposed.storedText()
        let stored = try await writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO task_checkpoints (task_id, key, value) VALUES (?, ?, ?)",
                arguments: [task.rawValue, key, proposedText])
            return try String.fetchOne(
                db, sql: "SELECT value FROM task_checkpoints WHERE task_id = ? AND key = ?",
                arguments: [task.rawValue, key])
        }
        return try stored.map { try JSONValue(parsing: Data($0.utf8)) } ?? proposed
    }

    private static func requeue(_ ids: [TaskID], in db: Database) throws {
        for id in ids {
            guard let record = try fetch(id, in: db)?.requeued() else { throw TaskStoreError.notFound(id) }
            try db.execute(
                sql: "UPDATE tasks SET state = ?, started_at = NULL WHERE id = ?",
                arguments: [record.state.rawValue, id.rawValue])
        }
    }

    static func fetch(_ id: TaskID, in db: Database) throws -> TaskRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE id = ?", arguments: [id.rawValue])
            .map(TaskRecord.init(row:))
    }
}
