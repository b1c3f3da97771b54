import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// The `TaskStore` contract, run against the in-memory reference and the SQLite store.
@Suite struct TaskStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test(arguments: StoreKind.allCases)
    func submitAssignsIncreasingIDsAndKeepsEverything(kind: StoreKind) async throws {
        let store = try kind.make()
        let submitted = try await store.submit([
            NewTask(job: "sleep", arguments: ["seconds": 1.5]),
            NewTask(job: "noop", arguments: ["nested": ["a": [1, 2, nil]]], onDone: "echo done"),
        ], at: t0)
        #expect(submitted.map(\.id.rawValue) == [1, 2])
        let stored = try #require(try await store.task(TaskID(2)))
        #expect(stored == submitted[1])
        #expect(stored.state == .queued && stored.attempts == 0 && stored.onDone == "echo done")
        #expect(stored.arguments == ["nested": ["a": [1, 2, nil]]])
        #expect(stored.createdAt == t0)
    }

    @Test(arguments: StoreKind.allCases)
    func claimTakesOldestFirstAndCountsAnAttempt(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit((0..<5).map { _ in NewTask(job: "noop") }, at: t0)
        let first = try await store.claim(limit: 2, at: t0 + 1)
        #expect(first.map(\.id.rawValue) == [1, 2])
        #expect(first.allSatisfy { $0.state == .running && $0.attempts == 1 && $0.startedAt == t0 + 1 })
        let rest = try await store.claim(limit: 10, at: t0 + 2)
        #expect(rest.map(\.id.rawValue) == [3, 4, 5])
        #expect(try await store.claim(limit: 10, at: t0 + 3).isEmpty)
        #expect(try await store.countsByState() == [.running: 5])
    }

    @Test(arguments: StoreKind.allCases)
    func finishRecordsTheOutcomeOnce(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop"), NewTask(job: "noop")], at: t0)
        _ = try await store.claim(limit: 2, at: t0)
        let succeeded = try await store.finish(TaskID(1), outcome: .succeeded(["ok": true]), at: t0 + 5)
        #expect(succeeded.state == .succeeded && succeeded.result == ["ok": true] && succeeded.finishedAt == t0 + 5)
        let error = TaskError(code: "exit_status", message: "exited with status 3", details: ["exit_status": 3])
        _ = try await store.finish(TaskID(2), outcome: .failed(error), at: t0 + 6)
        #expect(try await store.task(TaskID(2))?.error == error)
        await #expect(throws: TaskTransitionError(from: .succeeded, event: .fail)) {
            try await store.finish(TaskID(1), outcome: .failed(error), at: t0 + 7)
        }
        #expect(try await store.task(TaskID(1))?.result == ["ok": true])
        await #expect(throws: TaskStoreError.notFound(TaskID(99))) {
            try await store.finish(TaskID(99), outcome: .succeeded(.null), at: t0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aQueuedTaskCannotFinish(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop")], at: t0)
        await #expect(throws: TaskTransitionError(from: .queued, event: .succeed)) {
            try await store.finish(TaskID(1), outcome: .succeeded(.null), at: t0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recoveryRequeuesRunningTasksKeepingAttempts(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit((0..<3).map { _ in NewTask(job: "noop") }, at: t0)
        _ = try await store.claim(limit: 2, at: t0)
        _ = try await store.finish(TaskID(1), outcome: .succeeded(.null), at: t0)
        #expect(try await store.recoverInterrupted() == [TaskID(2)])
        #expect(try await store.unfinishedTaskIDs() == [TaskID(2), TaskID(3)])
        let requeued = try #require(try await store.task(TaskID(2)))
        #expect(requeued.state == .queued && requeued.attempts == 1 && requeued.startedAt == nil)
        let again = try await store.claim(limit: 1, at: t0)
        #expect(again.map(\.id) == [TaskID(2)] && again[0].attempts == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func onDoneIsPendingUntilFired(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop", onDone: "true"), NewTask(job: "noop")], at: t0)
        _ = try await store.claim(limit: 2, at: t0)
        _ = try await store.finish(TaskID(1), outcome: .succeeded(.null), at: t0)
        _ = try await store.finish(TaskID(2), outcome: .succeeded(.null), at: t0)
        #expect(try await store.pendingCallbacks().map(\.id) == [TaskID(1)])
        try await store.markCallbackFired(TaskID(1), succeeded: true)
        #expect(try await store.pendingCallbacks().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func checkpointKeepsTheFirstValue(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "sleep")], at: t0)
        #expect(try await store.checkpoint(TaskID(1), key: "deadline", proposed: 10.5) == 10.5)
        #expect(try await store.checkpoint(TaskID(1), key: "deadline", proposed: 99) == 10.5)
    }

    @Test(arguments: StoreKind.allCases)
    func readsListAndCount(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit((0..<4).map { _ in NewTask(job: "noop") }, at: t0)
        _ = try await store.claim(limit: 1, at: t0)
        #expect(try await store.recentTasks(limit: 2).map(\.id.rawValue) == [4, 3])
        #expect(try await store.tasks([TaskID(3), TaskID(1), TaskID(42)]).map(\.id.rawValue) == [1, 3])
        #expect(try await store.countsByState() == [.queued: 3, .running: 1])
    }
}
