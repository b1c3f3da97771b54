import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// Delays, priorities and retries in the `TaskStore` contract, run against both stores.
@Suite struct DelayStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test(arguments: StoreKind.allCases)
    func aDelayedTaskIsScheduledUntilItsTimeThenPromotedAndClaimed(kind: StoreKind) async throws {
        let store = try kind.make()
        let submitted = try await store.submit([
            NewTask(job: "noop", runAt: t0 + 20), NewTask(job: "noop", runAt: t0 + 10), NewTask(job: "noop"),
        ], at: t0)
        #expect(submitted.map(\.state) == [.scheduled, .scheduled, .queued])
        #expect(try await store.task(TaskID(1))?.runAt == t0 + 20)
        #expect(try await store.claim(limit: 10, at: t0).map(\.id.rawValue) == [3], "a scheduled task is never claimed")
        #expect(try await store.promoteDue(at: t0 + 9) == t0 + 10, "nothing due yet")
        #expect(try await store.countsByState() == [.scheduled: 2, .running: 1])
        #expect(try await store.promoteDue(at: t0 + 10) == t0 + 20)
        #expect(try await store.claim(limit: 10, at: t0 + 10).map(\.id.rawValue) == [2])
        #expect(try await store.promoteDue(at: t0 + 30) == nil)
        #expect(try await store.task(TaskID(1))?.state == .queued)
        #expect(Set(try await store.unfinishedTaskIDs()) == [TaskID(1), TaskID(2), TaskID(3)])
    }

    @Test(arguments: StoreKind.allCases)
    func aScheduledTaskCanBeCancelled(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop", onDone: "true", runAt: t0 + 60)], at: t0)
        let cancelled = try await store.finish(TaskID(1), outcome: .cancelled(reason: "not needed"), at: t0 + 1)
        #expect(cancelled.state == .cancelled)
        #expect(try await store.promoteDue(at: t0 + 100) == nil)
        #expect(try await store.pendingCallbacks().map(\.id) == [TaskID(1)])
    }

    @Test(arguments: StoreKind.allCases)
    func claimsTakeTheHighestPriorityFirstThenTheOldest(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([0, 5, 0, 5, -1, 9].map { NewTask(job: "noop", priority: $0) }, at: t0)
        #expect(try await store.task(TaskID(6))?.priority == 9)
        #expect(try await store.claim(limit: 3, at: t0).map(\.id.rawValue) == [6, 2, 4])
        #expect(try await store.claim(limit: 10, at: t0).map(\.id.rawValue) == [1, 3, 5])
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedAttemptWithRetriesLeftBacksOffInTheBatchWrite(kind: StoreKind) async throws {
        let store = try kind.make()
        let policy = RetryPolicy(retries: 1, backoff: .fixed, base: 30)
        _ = try await store.submit([NewTask(job: "exec", onDone: "true", retryPolicy: policy), NewTask(job: "noop", onDone: "true")], at: t0)
        let claimed = try await store.claim(limit: 2, at: t0)
        let error = TaskError(code: "exit_status", message: "exited with status 1")
        let first = try await store.finish(claimedBatch: [(claimed[0], .failed(error)), (claimed[1], .succeeded(.null))], at: t0 + 1)
        #expect(first[0]?.state == .scheduled && first[0]?.runAt == t0 + 31)
        let stored = try #require(try await store.task(TaskID(1)))
        #expect(stored.state == .scheduled && stored.runAt == t0 + 31 && stored.finishedAt == nil && stored.error == error)
        #expect(stored.retryPolicy == policy)
        #expect(try await store.pendingCallbacks().map(\.id) == [TaskID(2)], "no on-done before the final outcome")
        #expect(try await store.attempts(of: TaskID(1)).map(\.outcome) == [.failed])
        #expect(try await store.promoteDue(at: t0 + 31) == nil)
        let second = try await store.claim(limit: 1, at: t0 + 31)
        #expect(second.first?.attempts == 2)
        let last = try await store.finish(claimedBatch: [(second[0], .failed(error))], at: t0 + 32)
        #expect(last[0]?.state == .failed && last[0]?.finishedAt == t0 + 32)
        #expect(try await store.pendingCallbacks().map(\.id) == [TaskID(1), TaskID(2)])
    }

    @Test(arguments: StoreKind.allCases)
    func aRetriedTaskDependentsWaitForItsFinalOutcome(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec", retryPolicy: RetryPolicy(retries: 1, base: 5))], at: t0)
        _ = try await store.submit([NewTask(job: "noop", after: TaskDependencies(ids: [TaskID(1)], policy: .succeeded))], at: t0)
        let claimed = try await store.claim(limit: 1, at: t0)
        _ = try await store.finish(claimedBatch: [(claimed[0], .failed(TaskError(code: "x", message: "x")))], at: t0 + 1)
        #expect(try await store.task(TaskID(2))?.state == .blocked)
        #expect(await store.takeSettledDependents().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func retryRunsAFailedOrCancelledTaskAgainAsANewAttempt(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop", onDone: "true"), NewTask(job: "noop"), NewTask(job: "noop")], at: t0)
        let claimed = try await store.claim(limit: 1, at: t0)
        _ = try await store.finish(claimedBatch: [(claimed[0], .failed(TaskError(code: "x", message: "boom")))], at: t0 + 1)
        _ = try await store.finish(TaskID(2), outcome: .cancelled(reason: "no"), at: t0 + 1)
        let retried = try await store.retry(TaskID(1), at: t0 + 2)
        #expect(retried.state == .queued && retried.error == nil && retried.finishedAt == nil && retried.attempts == 1)
        #expect(try await store.task(TaskID(1)) == retried)
        #expect(try await store.pendingCallbacks().isEmpty, "its on-done fires again at the new end")
        #expect(try await store.retry(TaskID(2), at: t0 + 2).state == .queued)
        let again = try await store.claim(limit: 1, at: t0 + 3)
        #expect(again.first?.id == TaskID(1) && again.first?.attempts == 2)
        await #expect(throws: TaskTransitionError(from: .queued, event: .retry)) { try await store.retry(TaskID(3), at: t0) }
        await #expect(throws: TaskTransitionError(from: .running, event: .retry)) { try await store.retry(TaskID(1), at: t0) }
    }
}
