import CoroqCore
import Foundation
import Testing

/// Queues in the scheduler's state machine: per-queue concurrency beside the global limit, rate limits on
/// an injected time, pauses, and reloads that lower a limit. Events in, actions out; no store, no waiting.
@Suite struct SchedulerQueueTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ id: Int64, _ queue: String = QueueName.defaultQueue) -> TaskRecord {
        TaskRecord(id: TaskID(id), job: "noop", arguments: .emptyObject, state: .running, attempts: 1, createdAt: t0, queue: queue)
    }

    func claimed(_ records: [TaskRecord], requested: Int) -> SchedulerEvent {
        .claimed(records.map { ClaimedAttempt($0) }, requested: requested)
    }

    func machine(limit: Int = 100, batch: Int = 10, queues: [QueueDefinition]) -> SchedulerStateMachine {
        SchedulerStateMachine(configuration: .init(
            concurrencyLimit: limit, claimBatchSize: batch, shutdownGrace: .seconds(5),
            retryDelayAfterStoreError: .seconds(1), queues: queues))
    }

    func room(_ queue: String, _ limit: Int) -> QueueRoom { QueueRoom(queue: queue, limit: limit) }

    @Test func withoutLimitsAClaimTakesFromAllQueuesAsBefore() {
        var scheduler = machine(queues: [QueueDefinition(name: "net")])
        #expect(scheduler.handle(.started, at: t0) == [.claim(limit: 10)])
    }

    @Test func aQueueLimitHoldsItsTasksWhileOtherQueuesGoOn() {
        var scheduler = machine(queues: [QueueDefinition(name: "net", settings: QueueSettings(concurrency: 2))])
        #expect(scheduler.handle(.started, at: t0) == [.claimFromQueues([room("net", 2), room("default", 8)])])
        let first = [record(1, "net"), record(2, "net")] + (3...10).map { record($0) }
        #expect(scheduler.handle(claimed(first, requested: 10), at: t0)
            == [.start(first), .claimFromQueues([room("default", 10)])], "net is full: only default is asked")
        let more = (11...13).map { record($0) }
        #expect(scheduler.handle(claimed(more, requested: 10), at: t0) == [.start(more)], "default ran short")
        #expect(scheduler.inUse(queue: "net") == 2)
        #expect(scheduler.inUse(queue: "default") == 11)
        // A default task ending frees no room in net.
        #expect(scheduler.handle(.attemptsEnded([TaskID(3)]), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0) == [.claimFromQueues([room("net", 1)])])
        let third = [record(14, "net")]
        #expect(scheduler.handle(claimed(third, requested: 1), at: t0) == [.start(third), ])
        #expect(scheduler.inUse(queue: "net") == 2)
    }

    @Test func theGlobalLimitBoundsEveryQueueTogether() {
        var scheduler = machine(limit: 3, batch: 10, queues: [QueueDefinition(name: "net", settings: QueueSettings(concurrency: 5))])
        #expect(scheduler.handle(.started, at: t0) == [.claimFromQueues([room("net", 3)])])
        let running = [record(1, "net"), record(2, "net"), record(3, "net")]
        #expect(scheduler.handle(claimed(running, requested: 3), at: t0) == [.start(running)])
        #expect(scheduler.handle(.wake, at: t0) == [], "no slot is free")
        #expect(scheduler.slotsInUse == 3)
    }

    @Test func aLoweredQueueLimitStopsNothingAndStartsNoneUntilBelowIt() {
        var scheduler = machine(queues: [QueueDefinition(name: "net", settings: QueueSettings(concurrency: 3))])
        _ = scheduler.handle(.started, at: t0)
        let running = [record(1, "net"), record(2, "net"), record(3, "net")]
        _ = scheduler.handle(claimed(running, requested: 10), at: t0)
        #expect(scheduler.handle(.queuesChanged([QueueDefinition(name: "net", settings: QueueSettings(concurrency: 1))]), at: t0)
            == [.claimFromQueues([room("default", 10)])])
        _ = scheduler.handle(claimed([], requested: 10), at: t0)
        #expect(scheduler.inUse(queue: "net") == 3, "running attempts go on")
        #expect(scheduler.handle(.attemptsEnded([TaskID(1)]), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0) == [])
        #expect(scheduler.handle(.attemptsEnded([TaskID(3)]), at: t0) == [.claimFromQueues([room("net", 1)])])
    }

    @Test func aPausedQueueStartsNothingUntilResumed() {
        let paused = QueueDefinition(name: "net", settings: QueueSettings(paused: true))
        var scheduler = machine(queues: [paused])
        #expect(scheduler.handle(.started, at: t0) == [.claimFromQueues([room("default", 10)])])
        _ = scheduler.handle(claimed([], requested: 10), at: t0)
        #expect(scheduler.handle(.wake, at: t0) == [.claimFromQueues([room("default", 10)])], "net is not asked")
        _ = scheduler.handle(claimed([], requested: 10), at: t0)
        #expect(scheduler.handle(.queuesChanged([QueueDefinition(name: "net")]), at: t0) == [.claim(limit: 10)],
                "no queue limits anything now: one claim from all")
    }

    @Test func aRateLimitHoldsStartsToItsCountPerIntervalAndWakesWhenTheWindowMoves() {
        let rated = QueueDefinition(name: "api", settings: QueueSettings(rate: QueueRate(count: 2, interval: 1)))
        var scheduler = machine(queues: [rated])
        #expect(scheduler.handle(.started, at: t0) == [.claimFromQueues([room("api", 2), room("default", 8)])])
        let first = [record(1, "api"), record(2, "api")]
        // Two started at t0: the window is full until t0 + 1 s; the machine asks to be woken then.
        #expect(scheduler.handle(claimed(first, requested: 10), at: t0)
            == [.start(first), .wake(at: t0.addingTimeInterval(1))])
        #expect(scheduler.handle(.attemptsEnded([TaskID(1), TaskID(2)]), at: t0.addingTimeInterval(0.5)) == [],
                "ended, but the window still holds two starts")
        let t1 = t0.addingTimeInterval(1)
        #expect(scheduler.handle(.wake, at: t1) == [.claimFromQueues([room("api", 2), room("default", 8)])])
        let second = [record(3, "api")]
        #expect(scheduler.handle(claimed(second, requested: 10), at: t1.addingTimeInterval(0.25)) == [.start(second)],
                "api ran short: no wake needed")
        // Over any window of 1 s, at most 2 starts: count them by time.
        let starts = [t0, t0, t1.addingTimeInterval(0.25)]
        for start in starts {
            #expect(starts.filter { $0 >= start && $0 < start.addingTimeInterval(1) }.count <= 2)
        }
    }

    @Test func aParkedAttemptFreesItsQueueSlotAndResumesOnlyWithRoom() {
        var scheduler = machine(queues: [QueueDefinition(name: "net", settings: QueueSettings(concurrency: 1))])
        _ = scheduler.handle(.started, at: t0)
        let parent = [record(1, "net")]
        _ = scheduler.handle(claimed(parent, requested: 10), at: t0)
        // The parent waits for its child (same queue): the child may run.
        #expect(scheduler.handle(.parked(TaskID(1)), at: t0) == [.claimFromQueues([room("net", 1)])])
        let child = [record(2, "net")]
        _ = scheduler.handle(claimed(child, requested: 1), at: t0)
        #expect(scheduler.handle(.unparkRequested(TaskID(1)), at: t0) == [], "net is full: the parent waits")
        #expect(scheduler.handle(.attemptsEnded([TaskID(2)]), at: t0) == [.resume([TaskID(1)])])
        #expect(scheduler.inUse(queue: "net") == 1)
    }

    @Test(arguments: [
        ("10/1s", 10, 1.0), ("100/1m", 100, 60.0), ("1/500ms", 1, 0.5), ("3/1h30m", 3, 5400.0),
    ])
    func ratesAreRead(text: String, count: Int, interval: Double) {
        #expect(QueueRate(parsing: text) == QueueRate(count: count, interval: interval))
    }

    @Test(arguments: ["", "10", "0/1s", "-1/1s", "10/0s", "10/", "/1s", "ten/1s", "10/1 fortnight"])
    func badRatesAreRefused(text: String) {
        #expect(QueueRate(parsing: text) == nil)
    }

    @Test(arguments: [("default", true), ("net", true), ("a.b_c-9", true), ("", false), ("has space", false),
                      ("ü", false), (String(repeating: "x", count: 64), true), (String(repeating: "x", count: 65), false)])
    func queueNames(name: String, valid: Bool) {
        #expect(QueueName.isValid(name) == valid)
    }
}
