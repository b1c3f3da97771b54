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

    /// Many claimed attempts finished in one call; one cancelled meanwhile is left as it is (nil).
    @Test(arguments: StoreKind.allCases)
    func aBatchOfClaimedAttemptsFinishesTogether(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit((0..<3).map { _ in NewTask(job: "sleep") }, at: t0)
        let claimed = try await store.claim(limit: 3, at: t0)
        _ = try await store.finish(TaskID(2), outcome: .cancelled(reason: "by hand"), at: t0 + 1)
        let finished = try await store.finish(
            claimedBatch: claimed.map { ($0, TaskOutcome.succeeded(["seconds": 1])) }, at: t0 + 2)
        #expect(finished.map { $0?.id } == [TaskID(1), nil, TaskID(3)])
        let stored = try await store.tasks([TaskID(1), TaskID(2), TaskID(3)])
        #expect(stored.map(\.state) == [.succeeded, .cancelled, .succeeded])
        #expect(stored[0].result == ["seconds": 1] && stored[0].finishedAt == t0 + 2)
        #expect(try await store.attempts(of: TaskID(3)).map(\.outcome) == [.succeeded])
        #expect(try await store.countsByState() == [.succeeded: 2, .cancelled: 1])
    }

    /// The first attempt's start of retried tasks, in one read; a task never claimed is left out.
    @Test(arguments: StoreKind.allCases)
    func firstAttemptStartsOfRetriedTasks(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit((0..<3).map { _ in NewTask(job: "sleep") }, at: t0)
        _ = try await store.claim(limit: 2, at: t0 + 1)
        _ = try await store.startBoot(at: t0 + 2)
        _ = try await store.claim(limit: 3, at: t0 + 3)
        _ = try await store.checkpoint(TaskID(2), key: "process#2", proposed: .double(9))
        let starts = try await store.firstAttemptStarts(of: [TaskID(1), TaskID(2), TaskID(3), TaskID(99)])
        #expect(starts == [TaskID(1): t0 + 1, TaskID(2): t0 + 1, TaskID(3): t0 + 3])
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
        let recovery = try await store.startBoot(at: t0 + 1)
        #expect(recovery.requeued == [TaskID(2)] && recovery.interrupted.isEmpty)
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
        let run = CallbackRun(taskID: TaskID(1), startedAt: t0 + 1, finishedAt: t0 + 2, succeeded: false, detail: "exited with status 1")
        try await store.recordCallbackRun(run)
        #expect(try await store.pendingCallbacks().isEmpty)
        #expect(try await store.callbackRuns(of: TaskID(1)) == [run])
    }

    @Test(arguments: StoreKind.allCases)
    func checkpointKeepsTheFirstValue(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "sleep")], at: t0)
        #expect(try await store.checkpointValue(TaskID(1), key: "deadline") == nil)
        #expect(try await store.checkpoint(TaskID(1), key: "deadline", proposed: 10.5) == 10.5)
        #expect(try await store.checkpoint(TaskID(1), key: "deadline", proposed: 99) == 10.5)
        #expect(try await store.checkpointValue(TaskID(1), key: "deadline") == 10.5)
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

    /// Every attempt is in the history with the daemon start it ran in and how it ended.
    @Test(arguments: StoreKind.allCases)
    func attemptsAreHistory(kind: StoreKind) async throws {
        let store = try kind.make()
        let boot1 = try await store.startBoot(at: t0).boot
        _ = try await store.submit([NewTask(job: "noop")], at: t0)
        _ = try await store.claim(limit: 1, at: t0 + 1)
        _ = try await store.cutOff([TaskID(1)], at: t0 + 2)        // a graceful shutdown
        _ = try await store.claim(limit: 1, at: t0 + 3)
        let boot2 = try await store.startBoot(at: t0 + 4).boot      // a crash, then a start
        _ = try await store.claim(limit: 1, at: t0 + 5)
        let error = TaskError(code: "boom", message: "it broke")
        _ = try await store.finish(TaskID(1), outcome: .failed(error), at: t0 + 6)
        let attempts = try await store.attempts(of: TaskID(1))
        #expect(attempts.map(\.number) == [1, 2, 3])
        #expect(attempts.map(\.outcome) == [.requeued, .interrupted, .failed])
        #expect(attempts.map(\.boot) == [boot1, boot1, boot2])
        #expect(attempts.map(\.finishedAt) == [t0 + 2, t0 + 4, t0 + 6])
        #expect(attempts[2].error == error)
        #expect(try await store.task(TaskID(1))?.attempts == 3)
    }

    /// A task not safe to repeat, cut off by a crash, waits for a person: retry or cancel.
    @Test(arguments: StoreKind.allCases)
    func aNoRepeatTaskIsInterruptedNotRequeued(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec", repeatable: false), NewTask(job: "exec", repeatable: false)], at: t0)
        _ = try await store.claim(limit: 2, at: t0)
        let recovery = try await store.startBoot(at: t0 + 1)
        #expect(recovery.interrupted == [TaskID(1), TaskID(2)] && recovery.requeued.isEmpty)
        #expect(try await store.claim(limit: 5, at: t0 + 2).isEmpty)
        #expect(try await store.unfinishedTaskIDs().isEmpty)
        #expect(try await store.countsByState() == [.interrupted: 2])
        #expect(try await store.retry(TaskID(1), at: t0 + 3).state == .queued)
        let cancelled = try await store.finish(TaskID(2), outcome: .cancelled(reason: "done by hand"), at: t0 + 3)
        #expect(cancelled.state == .cancelled && cancelled.error?.message == "done by hand")
        #expect(try await store.claim(limit: 5, at: t0 + 4).map(\.id) == [TaskID(1)])
        // A cancelled task may be retried too (a new attempt), but not while it is queued again.
        #expect(try await store.retry(TaskID(2), at: t0 + 5).state == .queued)
        await #expect(throws: TaskTransitionError(from: .queued, event: .retry)) {
            try await store.retry(TaskID(2), at: t0 + 5)
        }
    }

    /// A shutdown that cuts off a task which must not repeat does not queue it again either.
    @Test(arguments: StoreKind.allCases)
    func aShutdownInterruptsANoRepeatTask(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec"), NewTask(job: "exec", repeatable: false)], at: t0)
        _ = try await store.claim(limit: 2, at: t0)
        let cut = try await store.cutOff([TaskID(1), TaskID(2)], at: t0 + 1)
        #expect(cut.map(\.state) == [.queued, .interrupted])
        #expect(try await store.attempts(of: TaskID(1)).map(\.outcome) == [.requeued])
        #expect(try await store.attempts(of: TaskID(2)).map(\.outcome) == [.interrupted])
    }

    @Test(arguments: StoreKind.allCases)
    func aQueuedTaskCanBeCancelled(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop", onDone: "true")], at: t0)
        let record = try await store.finish(TaskID(1), outcome: .cancelled(reason: "not needed"), at: t0)
        #expect(record.state == .cancelled && record.attempts == 0)
        #expect(try await store.pendingCallbacks().map(\.id) == [TaskID(1)])
        #expect(try await store.attempts(of: TaskID(1)).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func cleanDeletesOnlyOldFinishedTasks(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit((0..<4).map { _ in NewTask(job: "noop") }, at: t0)
        _ = try await store.claim(limit: 3, at: t0)
        _ = try await store.finish(TaskID(1), outcome: .succeeded(.null), at: t0 + 10)
        _ = try await store.finish(TaskID(2), outcome: .failed(TaskError(code: "x", message: "y")), at: t0 + 10)
        _ = try await store.finish(TaskID(3), outcome: .succeeded(.null), at: t0 + 100)
        let all: Set<TaskState> = [.succeeded, .failed, .cancelled]
        _ = try await store.submit([NewTask(job: "noop", onDone: "true")], at: t0)  // task 5
        _ = try await store.finish(TaskID(5), outcome: .cancelled(reason: "x"), at: t0 + 10)
        #expect(try await store.clean(finishedBefore: t0 + 50, states: [.failed]) == [TaskID(2)])
        #expect(try await store.clean(finishedBefore: t0 + 50, states: all) == [TaskID(1)])
        let kept = try await store.tasks([TaskID(1), TaskID(2), TaskID(3), TaskID(4)]).map(\.id)
        #expect(kept == [TaskID(3), TaskID(4)])
        #expect(try await store.attempts(of: TaskID(1)).isEmpty)
        // Task 5's on-done has not run: it is kept until it has.
        #expect(try await store.task(TaskID(5)) != nil)
        try await store.recordCallbackRun(CallbackRun(taskID: TaskID(5), startedAt: t0, finishedAt: t0, succeeded: true))
        #expect(try await store.clean(finishedBefore: t0 + 50, states: all) == [TaskID(5)])
        // Ids are never reused, even after their tasks are deleted.
        #expect(try await store.submit([NewTask(job: "noop")], at: t0).map(\.id) == [TaskID(6)])
    }
}
