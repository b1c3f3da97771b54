import CoroqCore
import Foundation
import GRDB

/// Claims: queued tasks taken as running, highest priority first, then oldest, each with its attempt
/// opened in the same transaction. From all queues (`claim(limit:at:)`, while no queue limits its starts)
/// or queue by queue (`claim(from:at:)`).
extension SQLiteTaskStore {
    public func claim(limit: Int, at now: Date) async throws -> [TaskRecord] {
        let rows = try await batch.write { db in
            try Self.claimed([(Self.claimFromAll, [now.timeIntervalSince1970, limit])], at: now, in: db)
        }
        // Decoded here, off the writer's queue (arguments are JSON text).
        return try rows.map(TaskRecord.init(stored:)).sorted { ($0.priority, $1.id) > ($1.priority, $0.id) }
    }

    public func claim(from rooms: [QueueRoom], at now: Date) async throws -> [TaskRecord] {
        let rooms = rooms.filter { $0.limit > 0 }
        guard !rooms.isEmpty else { return [] }
        let rows = try await batch.write { db in
            // One statement per queue with room, each served by `tasks_queued_by_queue` (queue, priority DESC,
            // id), `default` by `tasks_queued`.
            try Self.claimed(rooms.map { room in
                (room.queue == QueueName.defaultQueue ? Self.claimFromDefaultQueue : Self.claimFromQueue,
                 [now.timeIntervalSince1970, room.queue, room.limit])
            }, at: now, in: db)
        }
        return try rows.map(TaskRecord.init(stored:)).sorted { $0.id < $1.id }
    }

    /// Runs each claim statement (each returning `TaskColumn.claimSelection`), reads the options of the
    /// claimed tasks that have any, and opens every claimed task's attempt.
    private static func claimed(
        _ statements: [(sql: String, arguments: StatementArguments)], at now: Date, in db: Database
    ) throws -> [StoredTaskRow] {
        var rows: [StoredTaskRow] = []
        var withOptions: [Int64: Int] = [:]
        for statement in statements {
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: statement.sql), arguments: statement.arguments)
            while let row = try cursor.next() {
                let stored = StoredTaskRow(core: row)
                if row[TaskColumn.hasOptionsPosition] as Bool? == true { withOptions[stored.id] = rows.count }
                rows.append(stored)
            }
        }
        guard !rows.isEmpty else { return rows }
        if !withOptions.isEmpty {
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: readOptions),
                                             arguments: [idList(withOptions.keys)])
            while let row = try cursor.next() {
                guard let index = withOptions[row[0]] else { continue }
                rows[index].readOptions(from: row, at: 1)
            }
        }
        let boot = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) FROM boots")) ?? 0
        // One statement opens every claimed task's attempt (a statement each was measurable at 100k).
        try db.cachedStatement(sql: openAttempts).execute(arguments: [boot, now.timeIntervalSince1970, idList(rows.lazy.map(\.id))])
        return rows
    }

    /// Ids as a JSON array, for `json_each`.
    private static func idList(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Claims up to `?2` queued tasks of any queue, started at `?1`.
    private static let claimFromAll = """
        UPDATE tasks SET state = \(StoredTransition.claim.to), attempts = attempts + 1, started_at = ?1
        WHERE id IN (SELECT id FROM tasks WHERE state = \(StoredTransition.claim.from) ORDER BY priority DESC, id LIMIT ?2)
        RETURNING \(TaskColumn.claimSelection)
        """

    /// Claims up to `?3` queued tasks of queue `?2`, started at `?1`.
    private static let claimFromQueue = """
        UPDATE tasks SET state = \(StoredTransition.claim.to), attempts = attempts + 1, started_at = ?1
        WHERE id IN (SELECT id FROM tasks WHERE state = \(StoredTransition.claim.from) AND queue = ?2
            AND queue <> '\(QueueName.defaultQueue)' ORDER BY priority DESC, id LIMIT ?3)
        RETURNING \(TaskColumn.claimSelection)
        """

    /// `claimFromQueue` for `default` (`?2`), whose tasks only `tasks_queued` (priority, id) holds: it is
    /// read in order, skipping other queues' tasks.
    private static let claimFromDefaultQueue = """
        UPDATE tasks SET state = \(StoredTransition.claim.to), attempts = attempts + 1, started_at = ?1
        WHERE id IN (SELECT id FROM tasks WHERE state = \(StoredTransition.claim.from) AND queue = ?2
            ORDER BY priority DESC, id LIMIT ?3)
        RETURNING \(TaskColumn.claimSelection)
        """

    /// The options of the tasks whose ids are in the JSON array `?`.
    private static let readOptions = """
        SELECT \(TaskColumn.optionSelection) FROM tasks WHERE id IN (SELECT value FROM json_each(?))
        """

    /// Opens attempt number `attempts` of each task whose id is in the JSON array `?3`, in boot `?1` at `?2`.
    private static let openAttempts = """
        INSERT INTO attempts (task_id, number, boot_id, started_at)
        SELECT id, attempts, ?1, ?2 FROM tasks WHERE id IN (SELECT value FROM json_each(?3))
        """
}
