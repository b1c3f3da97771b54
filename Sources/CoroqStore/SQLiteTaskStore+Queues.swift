import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// Queues: the `queues` table, counts per queue, filtered listings (their claims: `SQLiteTaskStore+Claims`).
extension SQLiteTaskStore: QueueStore {
    public func recentTaskIDs(limit: Int, filter: TaskFilter) async throws -> [TaskID] {
        var conditions: [String] = []
        var values: [String] = []
        // Newest first: a live state's partial index holds it in id order; other states read ids downwards.
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
