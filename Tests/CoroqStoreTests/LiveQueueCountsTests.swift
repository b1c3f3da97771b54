import CoroqCore
@testable import CoroqStore
import Foundation
import GRDB
import Testing

/// The dashboard's counts per queue: the live states only, each read through its own index (a page must
/// not cost a scan of every finished task).
@Suite struct LiveQueueCountsTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func eachLiveStateIsCountedPerQueueAndFinishedTasksAreNot() async throws {
        let store = try SQLiteTaskStore.open(path: TemporaryDirectory.shared.path + "/\(UUID().uuidString).db")
        _ = try await store.submit([NewTask(job: "noop"), NewTask(job: "noop", queue: "net")], at: t0)
        let finished = try await store.claim(limit: 2, at: t0)
        _ = try await store.finish(claimedBatch: finished.map { ($0, TaskOutcome.succeeded(.null)) }, at: t0)
        _ = try await store.submit([NewTask(job: "noop"), NewTask(job: "noop", queue: "net")], at: t0)
        _ = try await store.claim(from: [QueueRoom(queue: "net", limit: 1)], at: t0)
        _ = try await store.submit([
            NewTask(job: "noop", queue: "net"), NewTask(job: "noop", queue: "net"),
            NewTask(job: "noop", runAt: t0 + 60),
            NewTask(job: "noop", after: TaskDependencies(ids: [TaskID(3)]), queue: "net"),
        ], at: t0)
        #expect(try await store.liveQueueCounts() == [
            "default": [.queued: 1, .scheduled: 1],
            "net": [.running: 1, .queued: 2, .blocked: 1],
        ])
    }

    @Test func noStateIsCountedByScanningTheTable() throws {
        let path = TemporaryDirectory.shared.path + "/\(UUID().uuidString).db"
        _ = try SQLiteTaskStore.open(path: path)
        let plan = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteTaskStore.liveQueueCountsQuery).map { $0["detail"] as String }
        }
        #expect(!plan.contains("SCAN tasks"), "\(plan)")
        #expect(plan.filter { $0.hasPrefix("SCAN tasks USING INDEX") }.count == 3, "\(plan)")
    }
}
