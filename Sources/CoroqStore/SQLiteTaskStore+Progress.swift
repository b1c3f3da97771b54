import CoroqCore
import Foundation
import GRDB

extension SQLiteTaskStore: ProgressStore {
    public func recordProgress(_ reports: [TaskID: TaskProgress]) async throws {
        guard !reports.isEmpty else { return }
        try await batch.write { db in
            // Only for tasks that still exist: one deleted meanwhile (`coroq clean`) drops its report.
            let statement = try db.cachedStatement(sql: """
                INSERT INTO task_progress (task_id, fraction, note, updated_at)
                SELECT id, ?, ?, ? FROM tasks WHERE id = ?
                ON CONFLICT (task_id) DO UPDATE SET
                    fraction = excluded.fraction, note = excluded.note, updated_at = excluded.updated_at
                """)
            for (task, progress) in reports {
                try statement.execute(arguments: [
                    progress.fraction, progress.note, progress.updatedAt.timeIntervalSince1970, task.rawValue,
                ])
            }
        }
    }

    public func progress(of ids: [TaskID]) async throws -> [TaskID: TaskProgress] {
        guard !ids.isEmpty else { return [:] }
        let list = "[" + ids.map { String($0.rawValue) }.joined(separator: ",") + "]"
        return try await writer.read { db in
            var found: [TaskID: TaskProgress] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT task_id, fraction, note, updated_at FROM task_progress
                WHERE task_id IN (SELECT value FROM json_each(?))
                """, arguments: [list])
            while let row = try rows.next() {
                found[TaskID(row[0] as Int64)] = TaskProgress(
                    fraction: row[1], note: row[2], updatedAt: Date(timeIntervalSince1970: row[3]))
            }
            return found
        }
    }
}
