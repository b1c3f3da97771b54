import CoroqCore
import GRDB

extension SQLiteTaskStore {
    /// One page of the dashboard's task list (`TaskPageQuery`): the ids, newest first, and the lowest id the
    /// page looked at when it was bounded (nil: it reached the oldest task or the limit).
    public func taskPage(_ query: TaskPageQuery) async throws -> (ids: [TaskID], floor: Int64?) {
        try await writer.read { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM tasks") ?? 0
            let (text, values) = query.sql(newest: newest)
            let arguments = StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case let number as Int64: number
                case let number as Int: number
                case let text as String: text
                default: nil
                }
            })
            let ids = try Int64.fetchAll(db, sql: text, arguments: arguments)
            let floor = ids.count < query.limit ? query.floor(newest: newest).flatMap { $0 > 1 ? $0 : nil } : nil
            return (ids.map { TaskID($0) }, floor)
        }
    }
}

extension SQLiteTaskStore {
    /// The running tasks' ids, newest first (the partial index `tasks_running`).
    public func runningTaskIDs(limit: Int) async throws -> [TaskID] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM tasks WHERE state = 'running' ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { TaskID($0) }
        }
    }
}

extension SQLiteTaskStore {
    /// The tasks not finished yet, per queue and state: one read through `tasks_by_state` for the live states
    /// only (the dashboard's overview and `/metrics`, which must not scan a million finished tasks).
    public func liveQueueCounts() async throws -> [String: [TaskState: Int]] {
        try await writer.read { db in
            var counts: [String: [TaskState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT queue, state, COUNT(*) FROM tasks
                WHERE state IN ('queued', 'running', 'scheduled', 'blocked', 'pending', 'interrupted')
                GROUP BY queue, state
                """) {
                guard let state = TaskState(rawValue: row[1]) else { continue }
                counts[row[0] as String, default: [:]][state] = row[2]
            }
            return counts
        }
    }
}
