import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// A claim returns each task's options as submitted, whether it has none (the claim then reads none) or
/// some; a batch of outcomes records finishes and a retry's back-off side by side.
@Suite struct ClaimedOptionsConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    static let withOptions: [NewTask] = [
        NewTask(job: "noop", priority: -1, queue: "net"),
        NewTask(job: "noop", retryPolicy: RetryPolicy(retries: 2, backoff: .fixed, base: 5), label: "nightly"),
        NewTask(job: "noop", timeout: 30, key: "k1", onSuccess: "echo ok", onFailure: "echo failed"),
    ]

    /// Each claimed record is the submitted one, running.
    private func expectClaimed(_ claimed: [TaskRecord], as submitted: [TaskRecord], at time: Date) {
        let byID = Dictionary(uniqueKeysWithValues: submitted.map { ($0.id, $0) })
        for record in claimed {
            var expected = byID[record.id]
            expected?.state = .running
            expected?.attempts = 1
            expected?.startedAt = time
            #expect(record == expected)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aClaimFromAllReturnsEveryTasksOptions(kind: StoreKind) async throws {
        let store = try kind.make()
        let submitted = try await store.submit([NewTask(job: "noop")] + Self.withOptions + [NewTask(job: "noop")], at: t0)
        let claimed = try await store.claim(limit: 10, at: t0 + 1)
        #expect(claimed.count == 5)
        expectClaimed(claimed, as: submitted, at: t0 + 1)
        #expect(claimed.first { $0.queue == "net" }?.priority == -1)
        #expect(claimed.first { $0.key == "k1" }?.timeout == 30)
    }

    @Test(arguments: StoreKind.allCases)
    func aClaimByQueueReturnsEveryTasksOptions(kind: StoreKind) async throws {
        let store = try kind.make()
        let submitted = try await store.submit(Self.withOptions + [NewTask(job: "noop")], at: t0)
        let claimed = try await store.claim(
            from: [QueueRoom(queue: "net", limit: 5), QueueRoom(queue: QueueName.defaultQueue, limit: 5)], at: t0 + 1)
        #expect(claimed.map(\.id.rawValue) == [1, 2, 3, 4])
        expectClaimed(claimed, as: submitted, at: t0 + 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchRecordsFinishesAndABackOffTogether(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop", onSuccess: "echo ok"), Self.withOptions[1], NewTask(job: "noop")], at: t0)
        let claimed = try await store.claim(limit: 3, at: t0 + 1)
        let failure = TaskError(code: "exit_status", message: "exited 1")
        let outcomes: [TaskOutcome] = [.succeeded(.null), .failed(failure), .failed(failure)]
        let finished = try await store.finish(claimedBatch: Array(zip(claimed, outcomes)), at: t0 + 2)
        #expect(finished.map { $0?.state } == [.succeeded, .scheduled, .failed])
        let backingOff = try #require(try await store.task(TaskID(2)))
        #expect(backingOff.state == .scheduled && backingOff.runAt == t0 + 2 + 5 && backingOff.finishedAt == nil)
        #expect(try await store.task(TaskID(1))?.finishedAt == t0 + 2)
        #expect(try await store.pendingCallbacks().map(\.id.rawValue) == [1])
    }
}
