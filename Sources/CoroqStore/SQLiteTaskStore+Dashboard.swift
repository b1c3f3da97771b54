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
    /// The tasks queued, running, scheduled or blocked, per queue and state, read through each state's
    /// partial index (blocked ones through their edges): what the dashboard's pages and `/metrics` show,
    /// which must not scan a million finished tasks. (Futures and interrupted tasks have no index: not
    /// counted here.)
    public func liveQueueCounts() async throws -> [String: [TaskState: Int]] {
        try await writer.read { db in
            var counts: [String: [TaskState: Int]] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: Self.liveQueueCountsQuery)) {
                guard let state = TaskState(rawValue: row[1]) else { continue }
                counts[row[0] as String, default: [:]][state] = row[2]
            }
            return counts
        }
    }

    /// A statement per state, each through that state's own index (one `state IN (…)` scanned the whole
    /// table: ~110 ms a dashboard page at a million finished tasks).
    static let liveQueueCountsQuery = """
        SELECT queue, 'queued', COUNT(*) FROM tasks WHERE state = 'queued' GROUP BY queue
        UNION ALL SELECT queue, 'running', COUNT(*) FROM tasks WHERE state = 'running' GROUP BY queue
        UNION ALL SELECT queue, 'scheduled', COUNT(*) FROM tasks WHERE state = 'scheduled' GROUP BY queue
        UNION ALL SELECT queue, 'blocked', COUNT(*) FROM tasks
            WHERE id IN (SELECT task_id FROM task_dependencies) AND state = 'blocked' GROUP BY queue
        """
}
