import CoroqCore
import CoroqStore
import Foundation
import Testing

/// The queue part of the `TaskStore` contract, against both stores: a claim from queues takes each room's
/// oldest tasks of that queue only, filtered listings, and a child joining its parent's queue. The
/// `queues` table (SQLite only) keeps settings.
@Suite struct QueueStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test(arguments: StoreKind.allCases)
    func aClaimFromQueuesTakesEachRoomsOldestTasksOfThatQueueOnly(kind: StoreKind) async throws {
        let store = try kind.make()
        let queues = ["net", "default", "net", "api", "net", "default"]
        _ = try await store.submit(queues.map { NewTask(job: "noop", queue: $0) }, at: t0)
        let claimed = try await store.claim(from: [QueueRoom(queue: "net", limit: 2), QueueRoom(queue: "default", limit: 5)], at: t0)
        #expect(claimed.map(\.id) == [TaskID(1), TaskID(2), TaskID(3), TaskID(6)])
        #expect(claimed.allSatisfy { $0.state == .running && $0.attempts == 1 })
        #expect(claimed.map(\.queue) == ["net", "default", "net", "default"])
        #expect(try await store.attempts(of: TaskID(3)).count == 1, "each claimed task has its attempt")
        #expect(try await store.claim(from: [QueueRoom(queue: "net", limit: 5)], at: t0).map(\.id) == [TaskID(5)])
        #expect(try await store.claim(from: [], at: t0).isEmpty)
        #expect(try await store.task(TaskID(4))?.state == .queued, "api was not asked")
    }

    @Test(arguments: StoreKind.allCases)
    func listingsFilterByStateQueueLabelAndJob(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([
            NewTask(job: "noop", label: "a"), NewTask(job: "sleep", queue: "net", label: "a"),
            NewTask(job: "noop", queue: "net"), NewTask(job: "noop"),
        ], at: t0)
        _ = try await store.claim(limit: 1, at: t0)
        #expect(try await store.recentTaskIDs(limit: 10, filter: TaskFilter(label: "a")) == [TaskID(2), TaskID(1)])
        #expect(try await store.recentTaskIDs(limit: 10, filter: TaskFilter(queue: "net")) == [TaskID(3), TaskID(2)])
        #expect(try await store.recentTaskIDs(limit: 10, filter: TaskFilter(state: .running)) == [TaskID(1)])
        #expect(try await store.recentTaskIDs(limit: 10, filter: TaskFilter(state: .queued, queue: "default")) == [TaskID(4)])
        #expect(try await store.recentTaskIDs(limit: 1, filter: TaskFilter(job: "noop")) == [TaskID(4)])
        let read = try #require(try await store.task(TaskID(2)))
        #expect(read.queue == "net" && read.label == "a", "queue and label are read back")
    }

    @Test(arguments: StoreKind.allCases)
    func aChildJoinsItsParentsQueue(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec", queue: "net")], at: t0)
        _ = try await store.claim(limit: 1, at: t0)
        let child = try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#1", at: t0)
        #expect(child.child.queue == "net")
        #expect(try await store.task(child.child.id)?.queue == "net")
    }

    @Test func theQueuesTableKeepsSettingsAndDefaultAlwaysExists() async throws {
        let store = try SQLiteTaskStore.open(path: TemporaryDirectory.shared.path + "/\(UUID().uuidString).db")
        #expect(try await store.queues() == [QueueDefinition(name: "default")])
        let net = QueueDefinition(name: "net", settings: QueueSettings(concurrency: 2, rate: QueueRate(count: 1, interval: 0.5), paused: true))
        try await store.saveQueue(net)
        #expect(try await store.queues() == [QueueDefinition(name: "default"), net])
        try await store.saveQueue(QueueDefinition(name: "net"))
        #expect(try await store.queues().last == QueueDefinition(name: "net"), "saving replaces the settings")
        _ = try await store.submit([NewTask(job: "noop", queue: "net"), NewTask(job: "noop", queue: "net"), NewTask(job: "noop")], at: t0)
        _ = try await store.claim(limit: 1, at: t0)
        let counts = try await store.queueCounts()
        #expect(counts["net"] == [.running: 1, .queued: 1] && counts["default"] == [.queued: 1])
    }
}
