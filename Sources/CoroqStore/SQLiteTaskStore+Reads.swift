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
            try TaskRecord.fetchAll(
                db.cachedStatement(sql: "SELECT \(TaskColumn.selection) FROM tasks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"),
                arguments: [JSONValue.array(rawIDs.map(JSONValue.int)).jsonText])
        }
    }

    public func recentTasks(limit: Int) async throws -> [TaskRecord] {
        try await writer.read { db in
            try TaskRecord.fetchAll(db.cachedStatement(sql: "SELECT \(TaskColumn.selection) FROM tasks ORDER BY id DESC LIMIT ?"),
                                    arguments: [limit])
        }
    }

    public func recentTaskIDs(limit: Int) async throws -> [TaskID] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM tasks ORDER BY id DESC LIMIT ?", arguments: [limit]).map { TaskID($0) }
        }
    }

    /// Blocked tasks are read off their edges (every blocked task has one, and only blocked tasks do): the
    /// state has no index of its own.
    public func unfinishedTaskIDs() async throws -> [TaskID] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM tasks WHERE state = 'queued' UNION ALL SELECT id FROM tasks WHERE state = 'running'
                UNION ALL SELECT id FROM tasks WHERE state = 'scheduled'
                UNION ALL SELECT DISTINCT task_id FROM task_dependencies
                ORDER BY id
                """)
                .map { TaskID($0) }
        }
    }

    public func countsByState() async throws -> [TaskState: Int] {
        try await writer.read { db in
            var counts: [TaskState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, n FROM task_counts WHERE n > 0") {
                if let state = TaskState(rawValue: row["state"]) { counts[state] = row["n"] }
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
                SELECT task_id, MIN(started_at) AS first_started_at FROM attempts
                WHERE task_id IN (SELECT value FROM json_each(?))
                GROUP BY task_id
                """, arguments: [list])
            while let row = try rows.next() {
                starts[TaskID(row["task_id"] as Int64)] = Date(timeIntervalSince1970: row["first_started_at"])
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
            try TaskRecord.fetchAll(db.cachedStatement(sql: "SELECT \(TaskColumn.selection) FROM tasks WHERE on_done_status = 'pending' ORDER BY id"))
        }
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
