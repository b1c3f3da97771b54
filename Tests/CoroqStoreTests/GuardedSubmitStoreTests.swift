import CoroqCore
import CoroqJSON
import CoroqStore
import Foundation
import GRDB
import Testing

/// Submits with idempotency keys and `--then` follow-ups in the SQLite store: one transaction decides what
/// is new, what exists, and links follow-ups.
@Suite struct GuardedSubmitStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func store() throws -> SQLiteTaskStore {
        try SQLiteTaskStore(writer: DatabaseQueue())
    }

    func keyed(_ key: String, _ seconds: Double = 1) -> NewTask {
        NewTask(job: "sleep", arguments: ["seconds": .double(seconds)], key: key)
    }

    @Test func aKeptTasksKeyReturnsItWhateverItsState() async throws {
        let store = try store()
        let first = try await store.submitGuarded([keyed("a")], at: t0)
        #expect(first.map(\.existing) == [false])
        let claimed = try await store.claim(limit: 1, at: t0)
        _ = try await store.finish(claimedBatch: [(claimed[0], .succeeded(.null))], at: t0)
        let again = try await store.submitGuarded([keyed("a")], at: t0 + 60)
        #expect(again.map(\.existing) == [true])
        #expect(again[0].record.id == first[0].record.id && again[0].record.state == .succeeded)
    }

    @Test func aKeyWithOtherArgumentsIsRefusedAndNothingIsStored() async throws {
        let store = try store()
        _ = try await store.submitGuarded([keyed("a", 1)], at: t0)
        await #expect(throws: KeyConflictError(index: 1, key: "a", existing: TaskID(1))) {
            try await store.submitGuarded([NewTask(job: "noop"), keyed("a", 2)], at: t0)
        }
        #expect(try await store.submit([NewTask(job: "noop")], at: t0).map(\.id) == [TaskID(2)])
    }

    @Test func concurrentSubmitsOfOneKeyMakeOneTask() async throws {
        let store = try store()
        let ids = try await withThrowingTaskGroup(of: TaskID.self) { group in
            for _ in 0..<32 { group.addTask { try await store.submitGuarded([keyed("race")], at: t0)[0].record.id } }
            return try await group.reduce(into: Set<TaskID>()) { $0.insert($1) }
        }
        #expect(ids == [TaskID(1)])
    }

    @Test func aFollowUpWaitsForItsTaskAndRecordsWhatItFollows() async throws {
        let store = try store()
        var followUp = NewTask(job: "noop", after: TaskDependencies(ids: [], policy: .finished))
        followUp.inputFromIndex = 0
        let submitted = try await store.submitGuarded([NewTask(job: "noop"), followUp], at: t0)
        #expect(submitted.map(\.record.state) == [.queued, .blocked])
        #expect(submitted[1].record.inputFrom == TaskID(1))
        #expect(try await store.dependencies(of: TaskID(2)) == [TaskID(1)])
        let chain = try await store.chain(of: TaskID(2))
        #expect(chain.follows?.task == TaskID(1) && chain.follows?.on == "always")
        #expect(try await store.chain(of: TaskID(1)).then == [TaskID(2)])
        // Submitted again under a key, the task and its follow-up come back as they are.
        var keyedLeader = NewTask(job: "noop", key: "k")
        _ = try await store.submitGuarded([keyedLeader, followUp], at: t0)
        keyedLeader.arguments = .emptyObject
        let again = try await store.submitGuarded([keyedLeader, followUp], at: t0)
        #expect(again.map(\.existing) == [true, true])
        #expect(again.map(\.record.id) == [TaskID(3), TaskID(4)])
    }
}
