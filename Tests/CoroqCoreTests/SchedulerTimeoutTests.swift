import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// Per-attempt timeouts in the scheduler's state machine: held attempts held until the earlier of their
/// ready time and their deadline, running and parked attempts cancelled at their deadline. Time is set by
/// the test.
@Suite struct SchedulerTimeoutTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ id: Int64, job: String = "noop") -> TaskRecord {
        TaskRecord(id: TaskID(id), job: job, arguments: .emptyObject, state: .running, attempts: 1, createdAt: t0)
    }

    func machine() -> SchedulerStateMachine {
        SchedulerStateMachine(configuration: .init(
            concurrencyLimit: 10, claimBatchSize: 10, shutdownGrace: .seconds(5),
            retryDelayAfterStoreError: .seconds(1), releasedAtOnce: 1024))
    }

    /// A started machine that claimed `attempts` (a short claim: the queue is empty afterwards).
    func claiming(_ attempts: [ClaimedAttempt]) -> (SchedulerStateMachine, [SchedulerAction]) {
        var scheduler = machine()
        _ = scheduler.handle(.started, at: t0)
        let actions = scheduler.handle(.claimed(attempts, requested: 10), at: t0)
        return (scheduler, actions)
    }

    @Test func aHeldAttemptWhoseDeadlineComesFirstIsRecordedTimedOutAtTheDeadline() {
        let sleep = record(1, job: "sleep")
        var (scheduler, actions) = claiming([
            ClaimedAttempt(sleep, readyAt: t0 + 60, deadline: t0 + 2),
        ])
        #expect(actions == [.hold([sleep]), .armTimer(at: t0 + 2)])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 2), at: t0 + 2) == [.recordTimedOut([sleep])])
        #expect(scheduler.heldCount == 0)
        #expect(scheduler.handle(.attemptsEnded([sleep.id]), at: t0 + 2) == [])
        #expect(scheduler.attemptCount == 0)
    }

    @Test func aHeldAttemptReadyBeforeItsDeadlineIsRecordedAsUsual() {
        let sleep = record(1, job: "sleep")
        var (scheduler, actions) = claiming([ClaimedAttempt(sleep, readyAt: t0 + 1, deadline: t0 + 5)])
        #expect(actions == [.hold([sleep]), .armTimer(at: t0 + 1)])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 1), at: t0 + 1) == [.recordReady([sleep])])
        #expect(scheduler.timerArmedFor == nil, "no deadline is left to watch")
    }

    @Test func heldAttemptsOfOneReleaseAreSplitIntoReadyAndTimedOut() {
        let (a, b) = (record(1, job: "sleep"), record(2, job: "sleep"))
        var (scheduler, _) = claiming([
            ClaimedAttempt(a, readyAt: t0 + 3), ClaimedAttempt(b, readyAt: t0 + 60, deadline: t0 + 3),
        ])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 3), at: t0 + 3) == [.recordReady([a]), .recordTimedOut([b])])
    }

    @Test func aRunningAttemptIsTimedOutAtItsDeadlineAndNotBefore() {
        let task = record(1)
        var (scheduler, actions) = claiming([ClaimedAttempt(task, deadline: t0 + 30)])
        #expect(actions == [.start([task]), .armTimer(at: t0 + 30)])
        #expect(scheduler.deadlineCount == 1)
        // A timer that went off early (armed for something else) times nothing out.
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 29), at: t0 + 29) == [])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 30), at: t0 + 30) == [.timeOut([task.id])])
        #expect(scheduler.deadlineCount == 0)
        // Its outcome (the timeout failure) frees the slot as usual.
        #expect(scheduler.handle(.attemptsEnded([task.id]), at: t0 + 30) == [])
        #expect(scheduler.attemptCount == 0)
    }

    @Test func anAttemptThatEndsBeforeItsDeadlineIsNotTimedOutAndItsDeadlineIsForgotten() {
        let (a, b) = (record(1), record(2))
        var (scheduler, _) = claiming([ClaimedAttempt(a, deadline: t0 + 10), ClaimedAttempt(b, deadline: t0 + 20)])
        #expect(scheduler.timerArmedFor == t0 + 10)
        _ = scheduler.handle(.attemptsEnded([a.id]), at: t0 + 1)
        #expect(scheduler.deadlineCount == 1)
        // The timer armed for a's deadline finds nothing due, and is armed for b's.
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 10), at: t0 + 10) == [.armTimer(at: t0 + 20)])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 20), at: t0 + 20) == [.timeOut([b.id])])
    }

    @Test func aParkedAttemptTimesOutToo() {
        let task = record(1)
        var (scheduler, _) = claiming([ClaimedAttempt(task, deadline: t0 + 5)])
        _ = scheduler.handle(.parked(task.id), at: t0 + 1)
        #expect(scheduler.parkedCount == 1)
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 5), at: t0 + 5) == [.timeOut([task.id])])
        #expect(scheduler.handle(.attemptsEnded([task.id]), at: t0 + 5) == [])
        #expect(scheduler.parkedCount == 0)
    }

    @Test func attemptsWithoutATimeoutArmNoTimer() {
        let (scheduler, actions) = claiming([ClaimedAttempt(record(1)), ClaimedAttempt(record(2))])
        #expect(actions == [.start([record(1), record(2)])])
        #expect(scheduler.timerArmedFor == nil)
        #expect(scheduler.deadlineCount == 0)
    }

    @Test(arguments: [
        (0.5, "timed out after 500ms"), (30, "timed out after 30s"), (90, "timed out after 1m30s"),
        (7200, "timed out after 2h"), (1.5, "timed out after 1.5s"),
    ])
    func theTimeoutErrorSaysAfterHowLong(seconds: Double, message: String) {
        let error = TaskError.timedOut(after: seconds)
        #expect(error.code == "timeout")
        #expect(error.message == message)
    }
}
