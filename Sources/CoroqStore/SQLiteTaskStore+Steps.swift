import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// The columns of `task_steps`, named once: the SQL below is written from these names, and rows are read
/// by them.
enum StepColumn: String, CaseIterable {
    case taskID = "task_id", name, kind, result, attempt, startedAt = "started_at", finishedAt = "finished_at"

    /// Every column, in `allCases` order: `SELECT \(StepColumn.selection) FROM task_steps`.
    static let selection = allCases.map(\.rawValue).joined(separator: ", ")
    static let placeholders = allCases.map { _ in "?" }.joined(separator: ", ")
}

extension SQLiteTaskStore {
    public func step(_ task: TaskID, name: String) async throws -> StepRecord? {
        try await writer.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(StepColumn.selection) FROM task_steps WHERE task_id = ? AND name = ?"),
                             arguments: [task.rawValue, name]).map(StepRecord.init(row:))
        }
    }

    public func recordStep(_ step: StepRecord) async throws -> StepRecord {
        let resultText = try step.result.storedText()
        return try await batch.write { db in
            // The first recorded wins: a step stored already (a concurrent one of the same name) is kept.
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO task_steps (\(StepColumn.selection)) VALUES (\(StepColumn.placeholders))")
                .execute(arguments: StatementArguments(StepColumn.allCases.map { column -> (any DatabaseValueConvertible)? in
                    switch column {
                    case .taskID: step.taskID.rawValue
                    case .name: step.name
                    case .kind: step.kind
                    case .result: resultText
                    case .attempt: step.attempt
                    case .startedAt: step.startedAt.timeIntervalSince1970
                    case .finishedAt: step.finishedAt.timeIntervalSince1970
                    }
                }))
            guard db.changesCount == 0 else { return step }
            guard let stored = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(StepColumn.selection) FROM task_steps WHERE task_id = ? AND name = ?"),
                arguments: [step.taskID.rawValue, step.name])
            else { throw TaskStoreError.notFound(step.taskID) }
            return try StepRecord(row: stored)
        }
    }

    public func steps(of id: TaskID) async throws -> [StepRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(StepColumn.selection) FROM task_steps WHERE task_id = ? ORDER BY rowid",
                             arguments: [id.rawValue]).map(StepRecord.init(row:))
        }
    }
}

extension StepRecord {
    init(row: Row) throws {
        self.init(
            taskID: TaskID(row[StepColumn.taskID.rawValue] as Int64), name: row[StepColumn.name.rawValue],
            kind: row[StepColumn.kind.rawValue],
            result: try JSONValue(storedText: row[StepColumn.result.rawValue]),
            attempt: row[StepColumn.attempt.rawValue],
            startedAt: Date(timeIntervalSince1970: row[StepColumn.startedAt.rawValue]),
            finishedAt: Date(timeIntervalSince1970: row[StepColumn.finishedAt.rawValue]))
    }
}
