import CoroqCore
import Foundation
import Testing

/// Parked attempts (`JobContext.waiting`) in the scheduler's state machine: they give their slot back,
/// ask for one to go on, get it before any new claim, and never take the running count over the limit.
@Suite struct SchedulerParkingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func records(_ ids: ClosedRange<Int64>) -> [TaskRecord] {
        ids.map { TaskRecord(id: TaskID($0), job: "noop", arguments: .emptyObject, state: .running, attempts: 1, createdAt: t0) }
    }

    func claimed(_ ids: ClosedRange<Int64>, requested: Int) -> SchedulerEvent {
        .claimed(records(ids).map { ClaimedAttempt($0) }, requested: requested)
    }

    /// A machine at its limit of 2: tasks 1 and 2 run, and more are queued.
    func full() -> SchedulerStateMachine {
        var scheduler = SchedulerStateMachine(configuration: .init(concurrencyLimit: 2, claimBatchSize: 10))
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(claimed(1...2, requested: 2), at: t0)
        return scheduler
    }

    @Test func aParkedAttemptGivesItsSlotToTheQueue() {
        var scheduler = full()
        #expect(scheduler.handle(.wake, at: t0) == [])
        #expect(scheduler.handle(.parked(TaskID(1)), at: t0) == [.claim(limit: 1)])
        #expect(scheduler.handle(claimed(3...3, requested: 1), at: t0) == [.start(records(3...3))])
        #expect(scheduler.slotsInUse == 2)
        #expect(scheduler.parkedCount == 1)
        #expect(scheduler.attemptCount == 3)
    }

    @Test func aResumeWaitsForAFreeSlotAndGoesBeforeNewClaims() {
        var scheduler = full()
        _ = scheduler.handle(.parked(TaskID(1)), at: t0)
        _ = scheduler.handle(claimed(3...3, requested: 1), at: t0)
        // Its wait is over, but 2 and 3 hold both slots.
        #expect(scheduler.handle(.unparkRequested(TaskID(1)), at: t0) == [])
        _ = scheduler.handle(.wake, at: t0)  // more is queued
        // A slot frees: the resume takes it, no claim.
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0) == [.resume([TaskID(1)])])
        #expect(scheduler.slotsInUse == 2)
        #expect(scheduler.parkedCount == 0)
        // The next free slot goes to the queue again.
        #expect(scheduler.handle(.attemptsEnded([TaskID(3)]), at: t0) == [.claim(limit: 1)])
    }

    @Test func resumesAreGrantedInTheOrderAskedAndNeverAboveTheLimit() {
        var scheduler = full()
        _ = scheduler.handle(.parked(TaskID(1)), at: t0)
        _ = scheduler.handle(.parked(TaskID(2)), at: t0)
        _ = scheduler.handle(claimed(3...4, requested: 2), at: t0)
        #expect(scheduler.handle(.unparkRequested(TaskID(2)), at: t0) == [])
        #expect(scheduler.handle(.unparkRequested(TaskID(1)), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(3)]), at: t0) == [.resume([TaskID(2)])])
        #expect(scheduler.slotsInUse == 2)
        #expect(scheduler.handle(.attemptsEnded([TaskID(4)]), at: t0) == [.resume([TaskID(1)])])
        #expect(scheduler.slotsInUse == 2)
    }

    @Test func aWaitThatEndsAtOnceGoesOnWhenASlotIsFree() {
        var scheduler = SchedulerStateMachine(configuration: .init(concurrencyLimit: 4, claimBatchSize: 10))
        _ = scheduler.handle(.started, at: t0)
        _ = scheduler.handle(claimed(1...1, requested: 10), at: t0)
        #expect(scheduler.handle(.parked(TaskID(1)), at: t0) == [])
        #expect(scheduler.handle(.unparkRequested(TaskID(1)), at: t0) == [.resume([TaskID(1)])])
    }

    @Test func anUnparkOfAnAttemptThatHoldsASlotOrIsNotOursGoesOnAtOnce() {
        var scheduler = full()
        // A nested wait's inner unpark: the attempt holds its slot again already.
        #expect(scheduler.handle(.unparkRequested(TaskID(1)), at: t0) == [.resume([TaskID(1)])])
        // A script's `coroq receive` for a task this scheduler does not run.
        #expect(scheduler.handle(.unparkRequested(TaskID(99)), at: t0) == [.resume([TaskID(99)])])
        #expect(scheduler.slotsInUse == 2)
    }

    @Test func aCancelReachesAParkedAttemptsTaskAndItsEndFreesNoCountedSlot() {
        var scheduler = full()
        _ = scheduler.handle(.parked(TaskID(1)), at: t0)
        _ = scheduler.handle(claimed(3...3, requested: 1), at: t0)
        #expect(scheduler.handle(.cancelRequested(TaskID(1)), at: t0) == [.cancelAttempt(TaskID(1))])
        // Cancelled while asking to resume: its queued resume is skipped, nothing goes over the limit.
        _ = scheduler.handle(.unparkRequested(TaskID(1)), at: t0)
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0) == [])
        #expect(scheduler.parkedCount == 0)
        #expect(scheduler.slotsInUse == 2)
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0) == [.claim(limit: 1)])
    }

    @Test func aDrainCutsParkedAttemptsOffAtOnceAndStopsOnceTheyEnded() {
        var scheduler = full()
        _ = scheduler.handle(.parked(TaskID(1)), at: t0)
        _ = scheduler.handle(claimed(3...3, requested: 1), at: t0)
        #expect(scheduler.handle(.drain, at: t0) == [.interruptParked([TaskID(1)]), .armDrainDeadline(at: t0 + 5)])
        // One that starts waiting during the grace period is cut off too.
        #expect(scheduler.handle(.parked(TaskID(2)), at: t0) == [.interruptParked([TaskID(2)])])
        #expect(scheduler.handle(.attemptsEnded([TaskID(1), TaskID(2)]), at: t0) == [])
        #expect(scheduler.phase == .draining)
        #expect(scheduler.handle(.attemptsEnded([TaskID(3)]), at: t0) == [.stop])
    }

    @Test func aResumeAskedWhileDrainingIsGrantedWhenASlotFrees() {
        var scheduler = full()
        _ = scheduler.handle(.parked(TaskID(1)), at: t0)
        _ = scheduler.handle(claimed(3...3, requested: 1), at: t0)
        #expect(scheduler.handle(.unparkRequested(TaskID(1)), at: t0) == [])
        _ = scheduler.handle(.drain, at: t0)
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0) == [.resume([TaskID(1)])])
        #expect(scheduler.handle(.attemptsEnded([TaskID(1), TaskID(3)]), at: t0) == [.stop])
    }

    @Test(arguments: [1, 3, 8])
    func manyParkedAttemptsNeverTakeTheRunningCountOverTheLimit(limit: Int) {
        var scheduler = SchedulerStateMachine(configuration: .init(concurrencyLimit: limit, claimBatchSize: 1000))
        var pending = scheduler.handle(.started, at: t0)[...]
        var next: Int64 = 1
        var running: [TaskID] = []
        var parked: [TaskID] = []
        for round in 0..<200 {
            while let action = pending.popFirst() {
                switch action {
                case .claim(let count):
                    let ids = next...(next + Int64(count) - 1)
                    next += Int64(count)
                    pending += scheduler.handle(claimed(ids, requested: count), at: t0)
                    running += ids.map { TaskID($0) }
                case .resume(let ids):
                    running += ids
                default:
                    break
                }
            }
            #expect(scheduler.slotsInUse <= limit)
            #expect(scheduler.slotsInUse == running.count)
            // Each round: the oldest running parks, and every third round the oldest parked asks to go on.
            if let first = running.first {
                running.removeFirst()
                parked.append(first)
                pending += scheduler.handle(.parked(first), at: t0)
            }
            if round % 3 == 0, !parked.isEmpty {
                pending += scheduler.handle(.unparkRequested(parked.removeFirst()), at: t0)
            }
        }
    }
}
