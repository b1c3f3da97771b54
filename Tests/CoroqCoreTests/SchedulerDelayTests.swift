import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// Delays and back-offs in the scheduler's state machine: scheduled tasks cost one timer, armed for the
/// earliest run time, and one promotion (a write) when it fires.
@Suite struct SchedulerDelayTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func machine(limit: Int = 100) -> SchedulerStateMachine {
        SchedulerStateMachine(configuration: .init(
            concurrencyLimit: limit, claimBatchSize: 10, shutdownGrace: .seconds(5),
            retryDelayAfterStoreError: .seconds(1), releasedAtOnce: 1024))
    }

    @Test func aScheduledTaskArmsTheTimerAndItsFiringPromotesThenClaims() {
        var scheduler = machine()
        _ = scheduler.handle(.promoted(next: nil), at: t0)  // start-up: nothing scheduled
        _ = scheduler.handle(.claimed([], requested: 10), at: t0)
        #expect(scheduler.handle(.scheduledDue(t0 + 60), at: t0) == [.armTimer(at: t0 + 60)])
        #expect(scheduler.nextPromotionAt == t0 + 60)
        // Later run times do not move the timer; an earlier one re-arms it.
        #expect(scheduler.handle(.scheduledDue(t0 + 90), at: t0 + 1) == [])
        #expect(scheduler.handle(.scheduledDue(t0 + 30), at: t0 + 2) == [.armTimer(at: t0 + 30)])
        // A replaced timer's firing is ignored.
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 60), at: t0 + 60) == [])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 30), at: t0 + 30) == [.promote])
        // The store says what is left: the timer for it, and a claim for what joined the queue.
        #expect(scheduler.handle(.promoted(next: t0 + 60), at: t0 + 30) == [.armTimer(at: t0 + 60), .claim(limit: 10)])
    }

    @Test func nothingIsPromotedBeforeItsTime() {
        var scheduler = machine()
        _ = scheduler.handle(.promoted(next: t0 + 10), at: t0)
        #expect(scheduler.timerArmedFor == t0 + 10)
        // A wake or an ending attempt does not promote early.
        #expect(!scheduler.handle(.wake, at: t0 + 5).contains(.promote))
    }

    @Test func runTimesReportedDuringAPromotionAreNotLost() {
        var scheduler = machine()
        _ = scheduler.handle(.promoted(next: t0 + 10), at: t0)
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 10), at: t0 + 10).first == .promote)
        // A submit while the promotion's write is in flight: its run time is kept for after it.
        #expect(scheduler.handle(.scheduledDue(t0 + 20), at: t0 + 10) == [])
        let actions = scheduler.handle(.promoted(next: t0 + 50), at: t0 + 10)
        #expect(actions.first == .armTimer(at: t0 + 20))
    }

    @Test func theHeldAttemptsAndTheScheduledTasksShareTheOneTimer() {
        var scheduler = machine()
        _ = scheduler.handle(.promoted(next: nil), at: t0)
        let sleeping = TaskRecord(id: TaskID(1), job: "sleep", arguments: .emptyObject, state: .running, attempts: 1, createdAt: t0)
        _ = scheduler.handle(.claimed([ClaimedAttempt(sleeping, readyAt: t0 + 100)], requested: 10), at: t0)
        #expect(scheduler.timerArmedFor == t0 + 100)
        #expect(scheduler.handle(.scheduledDue(t0 + 40), at: t0) == [.armTimer(at: t0 + 40)])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 40), at: t0 + 40) == [.promote, .armTimer(at: t0 + 100)])
        #expect(scheduler.handle(.promoted(next: nil), at: t0 + 40) == [.claim(limit: 10)])
    }

    @Test func noPromotionOnceAShutdownBegan() {
        var scheduler = machine()
        _ = scheduler.handle(.promoted(next: nil), at: t0)
        let running = TaskRecord(id: TaskID(1), job: "noop", arguments: .emptyObject, state: .running, attempts: 1, createdAt: t0)
        _ = scheduler.handle(.claimed([ClaimedAttempt(running)], requested: 10), at: t0)
        _ = scheduler.handle(.drain, at: t0)
        #expect(scheduler.handle(.scheduledDue(t0 + 1), at: t0) == [])
    }
}

/// The retry policy's waits, and the task transitions of delays and retries.
@Suite struct RetryPolicyTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func exponentialDoublesUpToTheCapAndFixedStays() {
        let exponential = RetryPolicy(retries: 10, backoff: .exponential, base: 2, cap: 30)
        #expect((1...6).map { exponential.delay(afterAttempt: $0, of: TaskID(1)) } == [2, 4, 8, 16, 30, 30])
        let fixed = RetryPolicy(retries: 10, backoff: .fixed, base: 5, cap: 3)
        #expect((1...3).map { fixed.delay(afterAttempt: $0, of: TaskID(1)) } == [3, 3, 3])
    }

    @Test func jitterTakesOffAtMostItsFractionAndDiffersPerTask() {
        let policy = RetryPolicy(retries: 3, backoff: .fixed, base: 10, cap: 60, jitter: 0.5)
        let waits = (1...200).map { policy.delay(afterAttempt: 1, of: TaskID(Int64($0))) }
        #expect(waits.allSatisfy { $0 > 5 && $0 <= 10 })
        #expect(Set(waits).count > 150)
        #expect(policy.delay(afterAttempt: 1, of: TaskID(7)) == policy.delay(afterAttempt: 1, of: TaskID(7)))
    }

    @Test(arguments: [
        (RetryPolicy(retries: -1), "retries -1 is out of range; expected a whole number from 0 to 1000"),
        (RetryPolicy(retries: 1, jitter: 2), "jitter 2.0 is out of range; expected a fraction from 0 to 1"),
        (RetryPolicy(retries: 1, base: -1), "backoff base -1.0 is out of range; expected \(Seconds.expected)"),
    ])
    func badPoliciesSayWhatIsExpected(policy: RetryPolicy, problem: String) {
        #expect(policy.problem == problem)
    }

    @Test func aFailureWithRetriesLeftBacksOffAndTheLastOneFails() throws {
        let error = TaskError(code: "exit_status", message: "exited with status 1")
        var record = TaskRecord(id: TaskID(3), job: "exec", arguments: .emptyObject, state: .running, attempts: 1,
                                createdAt: t0, retryPolicy: RetryPolicy(retries: 2, backoff: .exponential, base: 1))
        let first = try record.finishing(.failed(error), at: t0 + 10)
        #expect(first.state == .scheduled && first.runAt == t0 + 11 && first.finishedAt == nil && first.error == error)
        record.attempts = 2
        #expect(try record.finishing(.failed(error), at: t0 + 20).runAt == t0 + 22)
        record.attempts = 3
        let last = try record.finishing(.failed(error), at: t0 + 30)
        #expect(last.state == .failed && last.finishedAt == t0 + 30)
        // A cancel is never retried; a timeout is a failure like any other.
        record.attempts = 1
        #expect(try record.finishing(.cancelled(reason: "no"), at: t0).state == .cancelled)
        #expect(try record.finishing(.failed(TaskError(code: "timeout", message: "timed out")), at: t0).state == .scheduled)
    }

    @Test func transitionsOfScheduledAndRetriedTasks() throws {
        #expect(try TaskState.scheduled.applying(.promote) == .queued)
        #expect(try TaskState.scheduled.applying(.cancel) == .cancelled)
        #expect(try TaskState.running.applying(.backOff) == .scheduled)
        #expect(try TaskState.failed.applying(.retry) == .queued)
        #expect(try TaskState.cancelled.applying(.retry) == .queued)
        #expect(throws: TaskTransitionError(from: .scheduled, event: .claim)) { try TaskState.scheduled.applying(.claim) }
        #expect(throws: TaskTransitionError(from: .queued, event: .retry)) { try TaskState.queued.applying(.retry) }
        #expect(throws: TaskTransitionError(from: .running, event: .retry)) { try TaskState.running.applying(.retry) }
        #expect(throws: TaskTransitionError(from: .succeeded, event: .retry)) { try TaskState.succeeded.applying(.retry) }
        #expect(!TaskState.scheduled.isFinal)
    }

    @Test func aNewTaskWithARunTimeIsStoredScheduled() {
        #expect(NewTask(job: "noop", runAt: t0).initialState == .scheduled)
        #expect(NewTask(job: "noop").initialState == .queued)
    }
}
