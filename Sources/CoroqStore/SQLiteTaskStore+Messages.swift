import CoroqCore
import CoroqJSON
import Foundation
import GRDB

extension SQLiteTaskStore: MessageStore {
    public func send(_ task: TaskID, value: JSONValue, at now: Date) async throws -> SendReceipt {
        let text = try value.storedText()
        return try await batch.write { db in
            // The state and the insert in one transaction: a value is never stored for a task that has
            // just finished.
            guard let stateText = try String.fetchOne(
                db.cachedStatement(sql: "SELECT state FROM tasks WHERE id = ?"), arguments: [task.rawValue])
            else { throw TaskStoreError.notFound(task) }
            if let state = TaskState(rawValue: stateText), state.isFinal { return .taskFinished(state) }
            let sequence = try Int64.fetchOne(db.cachedStatement(sql: """
                INSERT INTO task_messages (task_id, sequence, value, sent_at)
                SELECT ?, COALESCE(MAX(sequence), 0) + 1, ?, ? FROM task_messages WHERE task_id = ?
                RETURNING sequence
                """), arguments: [task.rawValue, text, now.timeIntervalSince1970, task.rawValue])
            return .stored(sequence: sequence ?? 0)
        }
    }

    public func takeMessage(_ task: TaskID, receive number: Int, at now: Date) async throws -> JSONValue? {
        let text = try await batch.write { db -> String? in
            // Taken before by the same receive (the task runs again after a crash): the same value.
            if let taken = try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM task_messages WHERE task_id = ? AND taken_by = ?"),
                arguments: [task.rawValue, number]) {
                return taken
            }
            return try String.fetchOne(db.cachedStatement(sql: """
                UPDATE task_messages SET taken_by = ?, taken_at = ?
                WHERE task_id = ? AND sequence = (
                    SELECT MIN(sequence) FROM task_messages WHERE task_id = ? AND taken_by IS NULL)
                RETURNING value
                """), arguments: [number, now.timeIntervalSince1970, task.rawValue, task.rawValue])
        }
        return try text.map { try JSONValue(storedText: $0) }
    }
}
