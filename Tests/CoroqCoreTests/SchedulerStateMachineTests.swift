import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// The scheduler's decisions, driven by hand: events in, actions out, time set by the test. No store, no
/// tasks, no waiting.
@Suite struct SchedulerStateMachineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ id: Int64, job: String = "noop") -> TaskRecord {
        TaskRecord(id: TaskID(id), job: job, arguments: .emptyObject, state: .running, attempts: 1, createdAt: t0)
    }

    func records(_ ids: ClosedRange<Int64>) -> [TaskRecord] { ids.map { record($0) } }

    func claimed(_ ids: ClosedRange<Int64>, requested: Int) -> SchedulerEvent {
        .claimed(records(ids).map { ClaimedAttempt($0) }, requested: requested)
    }

    func machine(limit: Int = 100, batch: Int = 10, releasedAtOnce: Int = 1024) -> SchedulerStateMachine {
        SchedulerStateMachine(configuration: .init(
            concurrencyLimit: limit, claimBatchSize: batch, shutdownGrace: .seconds(5),
            retryDelayAfterStoreError: .seconds(1), releasedAtOnce: releasedAtOnce))
    }

    @Test func startClaimsWhatAnEarlierDaemonLeftAndGoesOnUntilTheQueueRunsShort() {
        var scheduler = machine(limit: 100, batch: 10)
        #expect(scheduler.handle(.started, at: t0) == [.claim(limit: 10)])
        // A full batch: the queue may have more, so the round goes on.
        #expect(scheduler.handle(claimed(1...10, requested: 10), at: t0) == [.start(records(1...10)), .claim(limit: 10)])
        // A short one: the queue is empty until a wake.
        #expect(scheduler.handle(claimed(11...13, requested: 10), at: t0) == [.start(records(11...13))])
        #expect(scheduler.attemptCount == 13)
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0) == [])
        #expect(scheduler.handle(.wake, at: t0) == [.claim(limit: 10)])
    }

    @Test func neverMoreAttemptsThanTheLimitAndClaimsWaitForASixteenthOfIt() {
        var scheduler = machine(limit: 64, batch: 100)
        #expect(scheduler.handle(.started, at: t0) == [.claim(limit: 64)])
        #expect(scheduler.handle(claimed(1...64, requested: 64), at: t0) == [.start(records(1...64))])
        #expect(scheduler.handle(.wake, at: t0) == [], "no slot is free")
        // One slot free is not worth a claim (a transaction) while 63 run; four (64 / 16) are.
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(2), TaskID(3)]), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(4)]), at: t0) == [.claim(limit: 4)])
    }

    @Test func aLimitRaisedByAReloadClaimsAtOnceAndALoweredOneStopsNothing() {
        var scheduler = machine(limit: 2, batch: 10)
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(claimed(1...2, requested: 2), at: t0)
        #expect(scheduler.handle(.limitChanged(5), at: t0) == [.claim(limit: 3)])
        _ = scheduler.handle(claimed(3...5, requested: 3), at: t0)
        #expect(scheduler.handle(.limitChanged(1), at: t0) == [])
        #expect(scheduler.attemptCount == 5)
        #expect(scheduler.handle(.attemptsEnded([TaskID(1), TaskID(2), TaskID(3), TaskID(4)]), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(5)]), at: t0) == [.claim(limit: 1)])
    }

    @Test func aFailedClaimIsRetriedAfterTheDelayNotAtOnce() {
        var scheduler = machine()
        _ = scheduler.handle(.started, at: t0)
        #expect(scheduler.handle(.claimFailed, at: t0) == [.wake(at: t0.addingTimeInterval(1))])
        #expect(scheduler.handle(.attemptsEnded([]), at: t0) == [])
        #expect(scheduler.handle(.wake, at: t0.addingTimeInterval(1)) == [.claim(limit: 10)])
    }

    @Test func timedAttemptsAreHeldUntilTheirTimeUnderOneTimer() {
        var scheduler = machine()
        let later = record(1, job: "sleep"), sooner = record(2, job: "sleep"), due = record(3, job: "sleep")
        _ = scheduler.handle(.started, at: t0)
        let actions = scheduler.handle(.claimed([
            ClaimedAttempt(later, readyAt: t0 + 10), ClaimedAttempt(sooner, readyAt: t0 + 5),
            ClaimedAttempt(due, readyAt: t0),  // its time came while it was queued: it runs
        ], requested: 10), at: t0)
        #expect(actions == [.hold([later, sooner]), .start([due]), .armTimer(at: t0 + 5)])
        #expect(scheduler.heldCount == 2)
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 5), at: t0 + 5) == [.recordReady([sooner]), .armTimer(at: t0 + 10)])
        // A stale timer (replaced by another) does nothing.
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 5), at: t0 + 6) == [])
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 10), at: t0 + 10) == [.recordReady([later])])
        #expect(scheduler.attemptCount == 3, "their slots are free once their outcomes are recorded")
        #expect(scheduler.handle(.attemptsEnded([TaskID(1), TaskID(2), TaskID(3)]), at: t0 + 10) == [])
        #expect(scheduler.attemptCount == 0)
    }

    @Test func anEarlierHeldAttemptRearmsTheTimerEarlier() {
        var scheduler = machine(batch: 1)
        _ = scheduler.handle(.started, at: t0)
        let first = scheduler.handle(.claimed([ClaimedAttempt(record(1), readyAt: t0 + 60)], requested: 1), at: t0)
        #expect(first == [.hold([record(1)]), .armTimer(at: t0 + 60), .claim(limit: 1)])
        let second = scheduler.handle(.claimed([ClaimedAttempt(record(2), readyAt: t0 + 30)], requested: 1), at: t0)
        #expect(second == [.hold([record(2)]), .armTimer(at: t0 + 30), .claim(limit: 1)])
        #expect(scheduler.timerArmedFor == t0 + 30)
    }

    @Test func attemptsReadyTogetherAreReleasedAFewAtATime() {
        var scheduler = machine(releasedAtOnce: 2)
        let held = records(1...5)
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(.claimed(held.map { ClaimedAttempt($0, readyAt: t0 + 1) }, requested: 10), at: t0)
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 1), at: t0 + 1) == [.recordReady(Array(held[0..<2]))])
        // No timer while the released ones are at their limit: their ends release the next.
        #expect(scheduler.timerArmedFor == nil)
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0 + 1) == [.recordReady([held[2]])])
        #expect(scheduler.handle(.attemptsEnded([TaskID(2), TaskID(3)]), at: t0 + 1) == [.recordReady(Array(held[3..<5]))])
        #expect(scheduler.heldCount == 0)
    }

    @Test func aCancelReachesTheRunningAttemptTheHeldOneOrTheStore() {
        var scheduler = machine()
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(.claimed([ClaimedAttempt(record(1)), ClaimedAttempt(record(2), readyAt: t0 + 60)], requested: 10), at: t0)
        #expect(scheduler.handle(.cancelRequested(TaskID(1)), at: t0) == [.cancelAttempt(TaskID(1))])
        #expect(scheduler.handle(.cancelRequested(TaskID(2)), at: t0) == [.cancelHeld(TaskID(2))])
        #expect(scheduler.handle(.cancelRequested(TaskID(9)), at: t0) == [.cancelWaiting(TaskID(9))])
        #expect(scheduler.heldCount == 0)
        // The cancelled held attempt is skipped when its time comes; its slot goes once the cancel is recorded.
        #expect(scheduler.handle(.timerFired(armedFor: t0 + 60), at: t0 + 60) == [])
        #expect(scheduler.attemptCount == 2)
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0 + 60) == [])
        #expect(scheduler.attemptCount == 1)
    }

    @Test func drainLetsRunningAttemptsFinishAndStartsNothing() {
        var scheduler = machine()
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(claimed(1...2, requested: 10), at: t0)
        #expect(scheduler.handle(.drain, at: t0) == [.armDrainDeadline(at: t0 + 5)])
        #expect(scheduler.phase == .draining)
        #expect(scheduler.handle(.wake, at: t0) == [], "no claim while draining")
        #expect(scheduler.handle(.drain, at: t0) == [], "a second signal changes nothing")
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0 + 1) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0 + 2) == [.stop])
        #expect(scheduler.phase == .stopped)
        #expect(scheduler.handle(.wake, at: t0 + 3) == [])
    }

    @Test func attheDrainDeadlineRunningAttemptsAreCancelledAndHeldOnesGoBack() {
        var scheduler = machine()
        let running = record(1), held = record(2)
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(.claimed([ClaimedAttempt(running), ClaimedAttempt(held, readyAt: t0 + 3600)], requested: 10), at: t0)
        _ = scheduler.handle(.drain, at: t0)
        #expect(scheduler.handle(.drainDeadline, at: t0 + 5) == [.cancelRunningAttempts, .cutOff([held])])
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0 + 5) == [.cancelTimer, .stop])
    }

    @Test func drainWithNothingRunningStopsAtOnce() {
        var scheduler = machine()
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(.claimed([], requested: 10), at: t0)
        #expect(scheduler.handle(.drain, at: t0) == [.armDrainDeadline(at: t0 + 5), .stop])
    }
}
