import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// Queues: the claim from queues with room, the `queues` table, counts per queue, filtered listings.
extension SQLiteTaskStore: QueueStore {
    public func claim(from rooms: [QueueRoom], at now: Date) async throws -> [TaskRecord] {
        let rooms = rooms.filter { $0.limit > 0 }
        guard !rooms.isEmpty else { return [] }
        let rows = try await batch.write { db in
            var rows: [StoredTaskRow] = []
            // One statement per queue with room, each served by `tasks_queued_by_queue` (queue, priority DESC,
            // id), `default` by `tasks_queued`.
            for room in rooms {
                let sql = room.queue == QueueName.defaultQueue ? Self.claimFromDefaultQueue : Self.claimFromQueue
                let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql),
                                                 arguments: [now.timeIntervalSince1970, room.queue, room.limit])
                while let row = try cursor.next() { rows.append(StoredTaskRow(row: row)) }
            }
            guard !rows.isEmpty else { return rows }
            let boot = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) FROM boots")) ?? 0
            let ids = "[" + rows.map { String($0.id) }.joined(separator: ",") + "]"
            try db.cachedStatement(sql: """
                INSERT INTO attempts (task_id, number, boot_id, started_at)
                SELECT id, attempts, ?, ? FROM tasks WHERE id IN (SELECT value FROM json_each(?))
                """).execute(arguments: [boot, now.timeIntervalSince1970, ids])
            return rows
        }
        return try rows.map(TaskRecord.init(stored:)).sorted { $0.id < $1.id }
    }

    /// Claims up to `?3` queued tasks of queue `?2`, highest priority first, then oldest, started at `?1`.
    private static let claimFromQueue = """
        UPDATE tasks SET state = \(StoredTransition.claim.to), attempts = attempts + 1, started_at = ?1
        WHERE id IN (SELECT id FROM tasks WHERE state = \(StoredTransition.claim.from) AND queue = ?2
            AND queue <> '\(QueueName.defaultQueue)' ORDER BY priority DESC, id LIMIT ?3)
        RETURNING \(TaskColumn.selection)
        """

    /// `claimFromQueue` for `default` (`?2`), whose tasks only `tasks_queued` (priority, id) holds: it is
    /// read in order, skipping other queues' tasks.
    private static let claimFromDefaultQueue = """
        UPDATE tasks SET state = \(StoredTransition.claim.to), attempts = attempts + 1, started_at = ?1
        WHERE id IN (SELECT id FROM tasks WHERE state = \(StoredTransition.claim.from) AND queue = ?2
            ORDER BY priority DESC, id LIMIT ?3)
        RETURNING \(TaskColumn.selection)
        """

    public func recentTaskIDs(limit: Int, filter: TaskFilter) async throws -> [TaskID] {
        var conditions: [String] = []
        var values: [String] = []
        // With a state, `tasks_by_state` (state, then id) gives the newest of that state first.
        if let state = filter.state { conditions.append("state = ?"); values.append(state.rawValue) }
        if let queue = filter.queue { conditions.append("queue = ?"); values.append(queue) }
        if let label = filter.label { conditions.append("label = ?"); values.append(label) }
        if let job = filter.job { conditions.append("job = ?"); values.append(job) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT id FROM tasks \(whereClause) ORDER BY id DESC LIMIT ?"
        let strings = values
        return try await writer.read { db in
            var arguments = StatementArguments(strings)
            arguments += [limit]
            return try Int64.fetchAll(db, sql: sql, arguments: arguments).map { TaskID($0) }
        }
    }

    public func queues() async throws -> [QueueDefinition] {
        let stored = try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, concurrency, rate, paused FROM queues ORDER BY name").map { row in
                (name: row[0] as String, concurrency: row[1] as Int?, rate: row[2] as String?, paused: row[3] as Bool)
            }
        }
        var queues = try stored.map { row in
            var rate: QueueRate?
            if let text = row.rate {
                guard let parsed = QueueRate(parsing: text) else {
                    throw TaskStoreError(.storage, "queue \(row.name) has a rate this binary cannot read: '\(text)'")
                }
                rate = parsed
            }
            return QueueDefinition(name: row.name, settings: QueueSettings(concurrency: row.concurrency, rate: rate, paused: row.paused))
        }
        if !queues.contains(where: { $0.name == QueueName.defaultQueue }) {
            queues.append(QueueDefinition(name: QueueName.defaultQueue))
            queues.sort { $0.name < $1.name }
        }
        return queues
    }

    public func saveQueue(_ queue: QueueDefinition) async throws {
        let settings = queue.settings
        let rate = settings.rate.map { "\($0.count)/\(Self.secondsText($0.interval))" }
        try await batch.write { db in
            try db.execute(sql: """
                INSERT INTO queues (name, concurrency, rate, paused, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate = excluded.rate, paused = excluded.paused
                """, arguments: [queue.name, settings.concurrency, rate, settings.paused, Date().timeIntervalSince1970])
        }
    }

    public func queueCounts() async throws -> [String: [TaskState: Int]] {
        try await writer.read { db in
            var counts: [String: [TaskState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT queue, state, COUNT(*) FROM tasks GROUP BY queue, state") {
                guard let state = TaskState(rawValue: row[1]) else { continue }
                counts[row[0] as String, default: [:]][state] = row[2]
            }
            return counts
        }
    }

    /// Seconds as `Seconds.parse` reads them back exactly ("1.5s" is not a form it takes whole: "1500ms").
    static func secondsText(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? "\(Int(seconds))s" : "\(Int((seconds * 1000).rounded()))ms"
    }
}
