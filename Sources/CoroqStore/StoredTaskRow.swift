import CoroqCore
import CoroqJSON
import Foundation
import GRDB

extension TaskRecord {
    /// Reads a `tasks` row selected as `TaskColumn.selection`. A state or JSON the binary does not
    /// understand is a storage error, not a crash.
    init(row: Row) throws {
        try self.init(stored: StoredTaskRow(row: row))
    }

    /// The tasks `statement` selects (as `TaskColumn.selection`), read off the statement row by row.
    /// (Not `Row.fetchAll`: it copies each row first, and every value is then read back through a
    /// `DatabaseValue`, GRDB's slow path: at 23 columns that was most of a `wait --all`'s read.)
    static func fetchAll(_ statement: Statement, arguments: StatementArguments = StatementArguments()) throws -> [TaskRecord] {
        var records: [TaskRecord] = []
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try cursor.next() { records.append(try TaskRecord(row: row)) }
        return records
    }

    /// The first task `statement` selects, read as `fetchAll` reads them.
    static func fetchOne(_ statement: Statement, arguments: StatementArguments = StatementArguments()) throws -> TaskRecord? {
        // The cursor must outlive the read of its row (the row reads the statement, which the cursor resets).
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        guard let row = try cursor.next() else { return nil }
        return try withExtendedLifetime(cursor) { try TaskRecord(row: row) }
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
            finishedAt: row.finishedAt.map(Date.init(timeIntervalSince1970:)),
            parentID: row.parentID.map { TaskID($0) },
            runAt: row.runAt.map(Date.init(timeIntervalSince1970:)),
            priority: row.priority,
            retryPolicy: try row.retryPolicy.map { try JSONValue(storedText: $0).decode(as: RetryPolicy.self) },
            queue: row.queue, label: row.label,
            timeout: row.timeout, key: row.key, onSuccess: row.onSuccess, onFailure: row.onFailure,
            inputFrom: row.inputFrom.map { TaskID($0) })
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
    var parentID: Int64?
    var runAt: Double?
    var priority: Int
    var retryPolicy: String?
    var queue: String
    var label: String?
    var timeout: Double?
    var key: String?
    var onSuccess: String?
    var onFailure: String?
    var inputFrom: Int64?

    /// A row selected as `TaskColumn.selection`.
    init(row: Row) {
        self.init(core: row)
        readOptions(from: row, at: TaskColumn.runAt.rawValue)
    }

    /// The columns before the options, of a row selected as `TaskColumn.selection` or `claimSelection`;
    /// the options their defaults.
    init(core row: Row) {
        id = row[TaskColumn.id]
        job = row[TaskColumn.job]
        arguments = row[TaskColumn.arguments]
        state = row[TaskColumn.state]
        attempts = row[TaskColumn.attempts]
        result = row[TaskColumn.result]
        error = row[TaskColumn.error]
        onDone = row[TaskColumn.onDone]
        repeatable = row[TaskColumn.repeatable]
        createdAt = row[TaskColumn.createdAt]
        startedAt = row[TaskColumn.startedAt]
        finishedAt = row[TaskColumn.finishedAt]
        parentID = row[TaskColumn.parentID]
        priority = 0
        queue = QueueName.defaultQueue
    }

    /// Reads the option columns (`TaskColumn.options`), which `row` holds from position `start` on.
    mutating func readOptions(from row: Row, at start: Int) {
        func at(_ column: TaskColumn) -> Int { start + column.rawValue - TaskColumn.runAt.rawValue }
        runAt = row[at(.runAt)]
        priority = row[at(.priority)]
        retryPolicy = row[at(.retryPolicy)]
        queue = row[at(.queue)]
        label = row[at(.label)]
        timeout = row[at(.timeout)]
        key = row[at(.key)]
        onSuccess = row[at(.onSuccess)]
        onFailure = row[at(.onFailure)]
        inputFrom = row[at(.inputFrom)]
    }
}
