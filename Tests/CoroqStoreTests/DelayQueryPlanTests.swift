import CoroqCore
import CoroqStore
import Foundation
import GRDB
import Testing

/// The hot reads of delays and priorities go through their partial indexes: a claim in priority order
/// needs no sort (no temporary B-tree), the earliest run time is one index step, a promotion a range.
@Suite struct DelayQueryPlanTests {
    func plan(_ sql: String) throws -> String {
        let path = TemporaryDirectory.shared.path + "/\(UUID().uuidString).db"
        _ = try SQLiteTaskStore.open(path: path)
        return try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
        }
    }

    @Test func theClaimReadsThePriorityIndexInOrder() throws {
        let plan = try plan("SELECT id FROM tasks WHERE state = 'queued' ORDER BY priority DESC, id LIMIT 10")
        #expect(plan.contains("INDEX tasks_queued"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func theEarliestRunTimeAndThePromotionUseTheScheduledIndex() throws {
        let earliest = try plan("SELECT MIN(run_at) FROM tasks WHERE state = 'scheduled'")
        #expect(earliest.contains("INDEX tasks_scheduled"), "\(earliest)")
        let promotion = try plan("UPDATE tasks SET state = 'queued' WHERE state = 'scheduled' AND run_at <= 5")
        #expect(promotion.contains("INDEX tasks_scheduled (run_at<?)"), "\(promotion)")
    }
}
