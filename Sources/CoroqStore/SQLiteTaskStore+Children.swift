import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// Children (a parent link and a key unique per parent) and durable cancel requests.
extension SQLiteTaskStore {
    public func spawn(_ child: NewTask, parent: TaskID, key: String, at now: Date) async throws -> SpawnedChild {
        let argumentsText = try child.arguments.storedText()
        return try await batch.write { db in
            guard let parentRow = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT \(TaskColumn.state.name), \(TreeColumn.cancelReason.rawValue), \(TaskColumn.queue.name) FROM tasks WHERE id = ?
                """), arguments: [parent.rawValue])
            else { throw TaskStoreError.notFound(parent) }
            let state = TaskState(rawValue: parentRow[0]) ?? .running
            let cancelling = (parentRow[1] as String?) != nil
            guard state == .running, !cancelling else {
                throw TaskError.parentNotRunning(parent, state: state, cancelling: cancelling)
            }
            if let existing = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT \(TaskColumn.selection) FROM tasks WHERE \(TaskColumn.parentID.name) = ? AND \(TreeColumn.spawnKey.rawValue) = ?
                """), arguments: [parent.rawValue, key]) {
                return SpawnedChild(child: try TaskRecord(row: existing), created: false)
            }
            // A child joins its parent's queue (its limits and pause), unless it names another.
            let queue = child.queue == QueueName.defaultQueue ? (parentRow[2] as String? ?? child.queue) : child.queue
            let columns: [TaskColumn] = [.job, .arguments, .onDone, .repeatable, .state, .createdAt, .parentID, .queue, .label]
            try db.cachedStatement(sql: """
                INSERT INTO tasks (\(columns.map(\.name).joined(separator: ", ")), \(TreeColumn.spawnKey.rawValue))
                VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")), ?)
                """).execute(arguments: [
                    child.job, argumentsText, child.onDone, child.repeatable, TaskState.queued.rawValue,
                    now.timeIntervalSince1970, parent.rawValue, queue, child.label, key,
                ])
            let record = TaskRecord(
                id: TaskID(db.lastInsertedRowID), job: child.job, arguments: child.arguments, state: .queued,
                onDone: child.onDone, repeatable: child.repeatable, createdAt: now, parentID: parent,
                queue: queue, label: child.label)
            return SpawnedChild(child: record, created: true)
        }
    }

    public func requestCancel(_ id: TaskID, reason: String, at now: Date) async throws -> [CancelRequest] {
        try await batch.write { db in
            guard let record = try Self.fetch(id, in: db) else { throw TaskStoreError.notFound(id) }
            guard !record.state.isFinal else { throw TaskTransitionError(from: record.state, event: .cancel) }
            // The first reason recorded is kept (a second cancel does not rename the first).
            try db.cachedStatement(sql: """
                UPDATE tasks SET \(TreeColumn.cancelReason.rawValue) = COALESCE(\(TreeColumn.cancelReason.rawValue), ?) WHERE id = ?
                """).execute(arguments: [reason, id.rawValue])
            var requests = [try Self.cancelRequest(id, in: db)]
            for row in try Row.fetchAll(db.cachedStatement(sql: Self.unfinishedDescendants), arguments: [id.rawValue]) {
                let (child, parent) = (TaskID(row[0] as Int64), TaskID(row[1] as Int64))
                try db.cachedStatement(sql: """
                    UPDATE tasks SET \(TreeColumn.cancelReason.rawValue) = COALESCE(\(TreeColumn.cancelReason.rawValue), ?) WHERE id = ?
                    """).execute(arguments: [SpawnKey.cancelReason(parent: parent, reason: reason), child.rawValue])
                requests.append(try Self.cancelRequest(child, in: db))
            }
            return requests
        }
    }

    /// The unfinished descendants of task `?1` (its children, theirs…), parents before children: id and
    /// parent id. A finished child's own descendants are included (a crash may have left them behind).
    private static let unfinishedDescendants = """
        WITH RECURSIVE tree(id, parent, depth) AS (
            SELECT id, \(TaskColumn.parentID.name), 1 FROM tasks WHERE \(TaskColumn.parentID.name) = ?1
            UNION ALL
            SELECT tasks.id, tasks.\(TaskColumn.parentID.name), tree.depth + 1 FROM tasks JOIN tree ON tasks.\(TaskColumn.parentID.name) = tree.id
        )
        SELECT tree.id, tree.parent FROM tree JOIN tasks ON tasks.id = tree.id
        WHERE tasks.state IN (\(TaskState.allCases.filter { !$0.isFinal }.map(StoredTransition.literal).joined(separator: ", ")))
        ORDER BY tree.depth, tree.id
        """

    private static func cancelRequest(_ id: TaskID, in db: Database) throws -> CancelRequest {
        let reason = try String.fetchOne(db.cachedStatement(sql: """
            SELECT \(TreeColumn.cancelReason.rawValue) FROM tasks WHERE id = ?
            """), arguments: [id.rawValue])
        return CancelRequest(id: id, reason: reason ?? "cancelled")
    }

    /// At start-up, before anything is requeued: each unfinished task with a cancel requested is recorded
    /// `cancelled` with its reason (an open attempt is closed as cancelled). Returns their ids.
    static func honourCancelRequests(at now: Date, in db: Database) throws -> [TaskID] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, \(TreeColumn.cancelReason.rawValue) FROM tasks
            WHERE \(TreeColumn.cancelReason.rawValue) IS NOT NULL
              AND state IN (\(TaskState.allCases.filter { !$0.isFinal }.map(StoredTransition.literal).joined(separator: ", ")))
            ORDER BY id
            """)
        return try rows.map { row in
            let id = TaskID(row[0] as Int64)
            _ = try finish(id, outcome: .cancelled(reason: row[1]), at: now, in: db)
            return id
        }
    }

    // MARK: Reads

    public func children(of id: TaskID) async throws -> [TaskRecord] {
        try await writer.read { db in
            try TaskRecord.fetchAll(db.cachedStatement(sql: """
                SELECT \(TaskColumn.selection) FROM tasks WHERE \(TaskColumn.parentID.name) = ? ORDER BY id
                """), arguments: [id.rawValue])
        }
    }

    public func descendants(of id: TaskID, limit: Int) async throws -> [TaskRecord] {
        try await writer.read { db in
            try TaskRecord.fetchAll(db.cachedStatement(sql: """
                WITH RECURSIVE tree(id) AS (
                    SELECT id FROM tasks WHERE \(TaskColumn.parentID.name) = ?1
                    UNION ALL
                    SELECT tasks.id FROM tasks JOIN tree ON tasks.\(TaskColumn.parentID.name) = tree.id
                )
                SELECT \(TaskColumn.selection) FROM tasks WHERE id IN (SELECT id FROM tree) ORDER BY id LIMIT ?2
                """), arguments: [id.rawValue, limit])
        }
    }

    public func childIDs(of parents: [TaskID]) async throws -> [TaskID: [TaskID]] {
        guard !parents.isEmpty else { return [:] }
        let list = JSONValue.array(parents.map { .int($0.rawValue) }).jsonText
        return try await writer.read { db in
            var ids: [TaskID: [TaskID]] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(TaskColumn.parentID.name), id FROM tasks WHERE \(TaskColumn.parentID.name) IN (SELECT value FROM json_each(?)) ORDER BY id
                """), arguments: [list]) {
                ids[TaskID(row[0] as Int64), default: []].append(TaskID(row[1] as Int64))
            }
            return ids
        }
    }
}
