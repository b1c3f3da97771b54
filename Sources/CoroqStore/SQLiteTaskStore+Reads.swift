import CoroqCore
import CoroqJSON
import Foundation
import GRDB

extension SQLiteTaskStore {
    // MARK: Reads

    public func task(_ id: TaskID) async throws -> TaskRecord? {
        try await writer.read { db in try Self.fetch(id, in: db) }
    }

    public func tasks(_ ids: [TaskID]) async throws -> [TaskRecord] {
        let rawIDs = ids.map(\.rawValue)
        return try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(TaskRecord.columns) FROM tasks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                arguments: [JSONValue.array(rawIDs.map(JSONValue.int)).jsonText]
            ).map(TaskRecord.init(row:))
        }
    }

    public func recentTasks(limit: Int) async throws -> [TaskRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(TaskRecord.columns) FROM tasks ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(TaskRecord.init(row:))
        }
    }

    public func unfinishedTaskIDs() async throws -> [TaskID] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM tasks WHERE state = 'queued' UNION ALL SELECT id FROM tasks WHERE state = 'running'
                ORDER BY id
                """)
                .map { TaskID($0) }
        }
    }

    public func countsByState() async throws -> [TaskState: Int] {
        try await writer.read { db in
            var counts: [TaskState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, n FROM task_counts WHERE n > 0") {
                if let state = TaskState(rawValue: row[0]) { counts[state] = row[1] }
            }
            return counts
        }
    }

    public func checkpointValue(_ task: TaskID, key: String) async throws -> JSONValue? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM task_checkpoints WHERE task_id = ? AND key = ?",
                                arguments: [task.rawValue, key])
        }.map { try JSONValue(storedText: $0) }
    }

    public func firstAttemptStarts(of ids: [TaskID]) async throws -> [TaskID: Date] {
        guard !ids.isEmpty else { return [:] }
        let list = "[" + ids.map { String($0.rawValue) }.joined(separator: ",") + "]"
        return try await writer.read { db in
            var starts: [TaskID: Date] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT task_id, MIN(started_at) FROM attempts
                WHERE task_id IN (SELECT value FROM json_each(?))
                GROUP BY task_id
                """, arguments: [list])
            while let row = try rows.next() {
                starts[TaskID(row[0] as Int64)] = Date(timeIntervalSince1970: row[1])
            }
            return starts
        }
    }

    public func attempts(of id: TaskID) async throws -> [AttemptRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE task_id = ? ORDER BY number", arguments: [id.rawValue])
                .map { row in
                    AttemptRecord(
                        taskID: id, number: row["number"], boot: row["boot_id"],
                        startedAt: Date(timeIntervalSince1970: row["started_at"]),
                        finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        outcome: (row["outcome"] as String?).flatMap(AttemptOutcome.init(rawValue:)),
                        error: try (row["error"] as String?).map { try JSONValue(storedText: $0).decode(as: TaskError.self) })
                }
        }
    }

    public func callbackRuns(of id: TaskID) async throws -> [CallbackRun] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM callback_runs WHERE task_id = ? ORDER BY id", arguments: [id.rawValue])
                .map { row in
                    CallbackRun(
                        taskID: id, startedAt: Date(timeIntervalSince1970: row["started_at"]),
                        finishedAt: Date(timeIntervalSince1970: row["finished_at"]), succeeded: row["succeeded"],
                        detail: row["detail"])
                }
        }
    }

    public func pendingCallbacks() async throws -> [TaskRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(TaskRecord.columns) FROM tasks WHERE on_done_status = 'pending' ORDER BY id")
                .map(TaskRecord.init(row:))
        }
    }
}

extension TaskRecord {
    /// The `tasks` columns a record is read from, in the order `init(row:)` reads them by position
    /// (by position, not name: a name lookup per column was a measurable part of every claim and finish).
    static let columns = "id, job, arguments, state, attempts, result, error, on_done, repeatable, created_at, started_at, finished_at"

    /// Reads a `tasks` row selected as `columns`. A state or JSON the binary does not understand is a
    /// storage error, not a crash.
    init(row: Row) throws {
        try self.init(stored: StoredTaskRow(row: row))
    }

    /// Decodes a row read earlier (its JSON is parsed here, so a writer can hand rows out undecoded).
    init(stored row: StoredTaskRow) throws {
        guard let state = TaskState(rawValue: row.state) else {
            throw TaskStoreError(.storage, "task \(row.id) has an unknown state '\(row.state)'")
        }
        self.init(
            id: TaskID(row.id),
            job: row.job,
            arguments: try JSONValue(storedText: row.arguments),
            state: state,
            attempts: row.attempts,
            result: try row.result.map(JSONValue.init(storedText:)),
            error: try row.error.map { try JSONValue(storedText: $0).decode(as: TaskError.self) },
            onDone: row.onDone,
            repeatable: row.repeatable,
            createdAt: Date(timeIntervalSince1970: row.createdAt),
            startedAt: row.startedAt.map(Date.init(timeIntervalSince1970:)),
            finishedAt: row.finishedAt.map(Date.init(timeIntervalSince1970:)))
    }
}

/// A `tasks` row's columns as stored, JSON still text: cheap to read on the writer's queue.
struct StoredTaskRow: Sendable {
    var id: Int64
    var job: String
    var arguments: String
    var state: String
    var attempts: Int
    var result: String?
    var error: String?
    var onDone: String?
    var repeatable: Bool
    var createdAt: Double
    var startedAt: Double?
    var finishedAt: Double?

    /// A row selected as `TaskRecord.columns`.
    init(row: Row) {
        id = row[0]
        job = row[1]
        arguments = row[2]
        state = row[3]
        attempts = row[4]
        result = row[5]
        error = row[6]
        onDone = row[7]
        repeatable = row[8]
        createdAt = row[9]
        startedAt = row[10]
        finishedAt = row[11]
    }
}

extension JSONValue {
    init(storedText: String) throws {
        self = try JSONValue(parsing: storedText)
    }
}

extension Encodable {
    /// JSON text as stored in a TEXT column (sorted keys).
    func storedText() throws -> String {
        try JSONValue(encoding: self).jsonText
    }
}

extension SQLiteTaskStore {
    /// Writes a consistent copy of the database to a new file at `path`, with SQLite's online backup, while
    /// the daemon goes on reading and writing.
    public func backup(to path: String) async throws {
        let destination = try DatabaseQueue(path: path)
        defer { try? destination.close() }
        try await writer.read { db in
            try destination.writeWithoutTransaction { try db.backup(to: $0) }
        }
    }
}
