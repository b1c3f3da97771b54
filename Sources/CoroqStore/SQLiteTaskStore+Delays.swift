import CoroqCore
import Foundation
import GRDB

extension SQLiteTaskStore {
    /// One statement for every scheduled task that is due, through the partial index `tasks_scheduled`
    /// (`run_at` of `scheduled` tasks only): a million delayed tasks cost index entries, not a scan.
    public func promoteDue(at now: Date) async throws -> Date? {
        try await batch.write { db in
            try db.cachedStatement(sql: Self.promoteDueTasks).execute(arguments: [now.timeIntervalSince1970])
            return try Double.fetchOne(db.cachedStatement(sql: Self.earliestRunAt)).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// `scheduled` → `queued` (`TaskState.applying(.promote)`) for the tasks whose `run_at` is at or before ?1.
    static let promoteDueTasks = """
        UPDATE tasks SET state = \(StoredTransition.promote.to)
        WHERE state = \(StoredTransition.promote.from) AND run_at <= ?1
        """

    /// The earliest run time of a scheduled task: the first entry of `tasks_scheduled`.
    static let earliestRunAt = "SELECT MIN(run_at) FROM tasks WHERE state = \(StoredTransition.promote.from)"
}
