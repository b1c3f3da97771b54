import CoroqJSON
import DequeModule
import Foundation

/// The scheduler's decisions, every transition in one place: which tasks to claim and when, which attempts
/// start and which wait in the timer heap until their time (timed jobs), when the one timer fires, what a
/// cancel reaches, how a shutdown drains.
///
/// Pure and synchronous: events in, actions out, the time given with each event (the clock is the
/// executor's, and a test's to set). `Scheduler` (CoroqRuntime) performs the actions: store writes,
/// starting jobs, arming the timer. docs/ARCHITECTURE.md draws its states.
///
/// ```
///             drain                         drainDeadline
///  serving ─────────▶ draining(grace armed) ──────────────▶ (held cut off, running cancelled)
///     │                     │ no attempt left                   │ no attempt left
///     │ drain, no attempt    ▼                                   ▼
///     └───────────────▶ stopped ◀────────────────────────────────┘
/// ```
/// Each attempt has a slot from its claim until its outcome is recorded: `running` (a job's task),
/// `held` (in the timer heap), `releasing` (its time came; its output is being recorded), `parked` (its
/// job waits for something outside it, `JobContext.waiting`) or `resuming` (it has what it waited for and
/// asks for a slot). Parked and resuming attempts do not count against the limit; resumes are granted
/// before new claims, and only while fewer than the limit count.
public struct SchedulerStateMachine: Sendable {
    public enum Phase: Sendable, Equatable {
        case serving
        case draining
        case stopped
    }

    enum Slot: Sendable, Equatable {
        case running
        case held
        case releasing
        /// Waiting for something outside the attempt: not counted against the limit.
        case parked
        /// Parked, asking to go on: not counted until granted (`.resume`).
        case resuming
    }

    public private(set) var phase = Phase.serving
    public let configuration: SchedulerConfiguration
    /// The concurrency limit in force.
    public private(set) var limit: Int
    var slots: [TaskID: Slot] = [:]
    var held = HeldAttempts()
    /// Deadlines of running and parked attempts with a timeout.
    var deadlines = AttemptDeadlines()
    /// Slots in `.releasing`; at most `configuration.releasedAtOnce`.
    var releasing = 0
    /// Slots in `.parked` or `.resuming`: attempts that do not count against the limit.
    var parked = 0
    /// Parked attempts asking to go on, first asked first served. An id whose slot is no longer
    /// `.resuming` (it ended meanwhile) is skipped when it comes up.
    var resumeQueue = Deque<TaskID>()
    /// False once a claim came back short: the queue is empty until the next wake (a submit).
    var queueMayHaveMore = false
    /// True between the claims of one round: only its first claim waits for enough free slots.
    var filling = false
    /// True from `.claim` until its `.claimed` or `.claimFailed`.
    var claiming = false
    /// The slots the claim in flight asked for: kept for it, no resume takes them meanwhile.
    var reserved = 0
    /// The time the timer is armed for, if it is.
    var timer: Date?
    /// The earliest run time of a `scheduled` task (a delay or a back-off), as far as this machine was
    /// told; the one timer fires for it too. Nil while a promotion is in flight or nothing is scheduled.
    var nextPromotion: Date?
    /// True from `.promote` until its `.promoted`.
    var promoting = false
    /// Run times reported while a promotion was in flight (its `next` may have been read before them).
    var pendingDue: Date?
    /// Each queue's settings and counted attempts (`QueueBook`).
    var book = QueueBook()
    /// The rooms of the queue claim in flight (nil for a claim from all queues, or none).
    var pendingRooms: [QueueRoom]?
    /// The time a `.wake` was asked for because a rate-limited queue gets room again then.
    var rateWake: Date?

    public init(configuration: SchedulerConfiguration) {
        self.configuration = configuration
        limit = configuration.concurrencyLimit
        book.set(configuration.queues)
    }

    /// Counted attempts of `queue` (running, held or being recorded; not parked).
    public func inUse(queue: String) -> Int { book.inUse(queue, total: slotsInUse) }

    /// Attempts of this daemon not yet recorded: running, held, being recorded or parked.
    public var attemptCount: Int { slots.count }

    /// Attempts counted against the limit (all but the parked ones): never above the limit, except
    /// after the limit went down (running attempts are not stopped).
    public var slotsInUse: Int { slots.count - parked }

    /// Attempts parked (waiting for something outside them), including those asking to go on.
    public var parkedCount: Int { parked }

    /// Attempts waiting in the timer heap.
    public var heldCount: Int { held.count }

    /// Running or parked attempts with a deadline still to come (`--timeout`).
    public var deadlineCount: Int { deadlines.count }

    /// The time the timer is armed for.
    public var timerArmedFor: Date? { timer }

    /// The earliest known run time of a scheduled task still to be promoted.
    public var nextPromotionAt: Date? { nextPromotion }

    /// Applies `event`, which happened at `now`, and returns what to do, in order.
    public mutating func handle(_ event: SchedulerEvent, at now: Date) -> [SchedulerAction] {
        guard phase != .stopped else { return [] }
        var actions: [SchedulerAction] = []
        switch event {
        case .started, .wake:
            queueMayHaveMore = true
            book.wake()
            if let rateWake, rateWake <= now { self.rateWake = nil }
        case .queuesChanged(let queues):
            book.set(queues)
            queueMayHaveMore = true
        case .limitChanged(let newLimit):
            limit = max(1, newLimit)
        case .claimed(let attempts, let requested):
            claiming = false
            reserved = 0
            if let rooms = pendingRooms {
                book.claimed(attempts.map(\.record), from: rooms)
                queueMayHaveMore = book.anyMayHaveMore
            } else {
                queueMayHaveMore = attempts.count >= requested
                if !queueMayHaveMore { book.allEmpty() }
            }
            pendingRooms = nil
            actions += admit(attempts, at: now)
        case .claimFailed:
            claiming = false
            reserved = 0
            pendingRooms = nil
            filling = false
            queueMayHaveMore = false
            actions.append(.wake(at: now.addingTimeInterval(Seconds.of(configuration.retryDelayAfterStoreError))))
        case .attemptsEnded(let ids):
            var releasedEnded = false
            for id in ids {
                deadlines.remove(id)
                switch slots.removeValue(forKey: id) {
                case .releasing:
                    releasing -= 1
                    releasedEnded = true
                    book.ended(id, wasCounted: true)
                case .parked, .resuming:
                    parked -= 1
                    book.ended(id, wasCounted: false)
                case .running, .held:
                    book.ended(id, wasCounted: true)
                case nil:
                    break
                }
            }
            if slots.isEmpty { resumeQueue = Deque() }
            if releasedEnded { actions += releaseReady(at: now) }
            // A dictionary keeps the capacity of its largest burst: give it back once nothing runs.
            if slots.isEmpty { slots = [:] }
        case .timerFired(let armedFor):
            guard timer == armedFor else { break }  // replaced by an earlier one
            timer = nil
            actions += promoteIfDue(at: now)
            actions += releaseReady(at: now)
        case .scheduledDue(let time):
            if !promoting, nextPromotion.map({ time < $0 }) ?? true { nextPromotion = time }
            if promoting { pendingDue = min(pendingDue ?? time, time) }
            actions += armTimer(at: now)
        case .promoted(let next):
            promoting = false
            queueMayHaveMore = true
            book.wake()  // the promoted tasks may be of any queue
            nextPromotion = [next, pendingDue].compactMap { $0 }.min()
            pendingDue = nil
            actions += armTimer(at: now)
        case .cancelRequested(let id):
            actions.append(cancel(id))
        case .parked(let id):
            actions += park(id)
        case .unparkRequested(let id):
            actions += requestResume(id)
        case .drain:
            guard phase == .serving else { break }
            phase = .draining
            filling = false
            let waiting = slots.filter { $0.value == .parked }.map(\.key).sorted()
            if !waiting.isEmpty { actions.append(.interruptParked(waiting)) }
            actions.append(.armDrainDeadline(at: now.addingTimeInterval(Seconds.of(configuration.shutdownGrace))))
        case .drainDeadline:
            guard phase == .draining else { break }
            let cut = held.takeAll()
            for record in cut {
                slots[record.id] = nil
                book.ended(record.id, wasCounted: true)
            }
            actions.append(.cancelRunningAttempts)
            if !cut.isEmpty { actions.append(.cutOff(cut)) }
        }
        if phase == .draining && slots.isEmpty && !claiming {
            phase = .stopped
            if timer != nil { actions.append(.cancelTimer) }
            timer = nil
            actions.append(.stop)
            return actions
        }
        actions += grantResumes()
        actions += claimIfRoom(at: now)
        return actions
    }

    /// Claimed tasks: held until their time (timed jobs with time to wait), else started. Claimed while
    /// draining, they go back to the queue: no new attempt starts once a shutdown began.
    private mutating func admit(_ attempts: [ClaimedAttempt], at now: Date) -> [SchedulerAction] {
        guard phase == .serving else {
            filling = false
            return attempts.isEmpty ? [] : [.cutOff(attempts.map(\.record))]
        }
        var started: [TaskRecord] = []
        var holding: [TaskRecord] = []
        for attempt in attempts {
            if let readyAt = attempt.readyAt, readyAt > now {
                // Held until its ready time, or its deadline when that comes first (then it times out).
                if let deadline = attempt.deadline, deadline < readyAt {
                    held.hold(attempt.record, until: deadline, timesOut: true)
                } else {
                    held.hold(attempt.record, until: readyAt)
                }
                slots[attempt.record.id] = .held
                holding.append(attempt.record)
            } else {
                slots[attempt.record.id] = .running
                if let deadline = attempt.deadline { deadlines.add(attempt.record.id, deadline: deadline) }
                started.append(attempt.record)
            }
            book.started(attempt.record, at: now)
        }
        var actions: [SchedulerAction] = []
        if !holding.isEmpty { actions.append(.hold(holding)) }
        if !started.isEmpty { actions.append(.start(started)) }
        return actions + armTimer(at: now)
    }

    /// A claim, when the queue may have tasks and enough slots are free.
    ///
    /// With more queued than may run, every ending attempt frees one slot: a claim per slot (a transaction
    /// each) held a million queued sleeps to ~4k tasks/s. A round of claims starts once a sixteenth of the
    /// limit (at most a claim batch) is free, or when nothing runs, and goes on until the slots or the queue
    /// run out.
    ///
    /// While some queue limits its starts, a claim goes queue by queue (`claimFromQueues`), each queue up to
    /// its room, and does not wait for a sixteenth of the limit: a queue's few slots would wait for others'.
    private mutating func claimIfRoom(at now: Date) -> [SchedulerAction] {
        guard phase == .serving, queueMayHaveMore, !claiming else { return [] }
        let free = limit - slotsInUse
        guard free > 0 else {
            filling = false
            return []
        }
        if book.restricted { return claimFromQueues(free: free, at: now) }
        let threshold = max(1, min(configuration.claimBatchSize, limit / 16))
        guard filling || free >= threshold || slotsInUse == 0 else { return [] }
        filling = true
        claiming = true
        reserved = min(free, configuration.claimBatchSize)
        return [.claim(limit: reserved)]
    }

    /// A claim from the queues with room (and tasks, as far as known); when none has room, the wake for
    /// the earliest rate window that reopens.
    private mutating func claimFromQueues(free: Int, at now: Date) -> [SchedulerAction] {
        let rooms = book.rooms(budget: min(free, configuration.claimBatchSize), total: slotsInUse, at: now)
        var actions = armRateWake(at: now)
        guard !rooms.isEmpty else {
            filling = false
            return actions
        }
        filling = true
        claiming = true
        pendingRooms = rooms
        reserved = rooms.reduce(0) { $0 + $1.limit }
        actions.append(.claimFromQueues(rooms))
        return actions
    }

    /// Asks for a `.wake` when the earliest rate-limited queue with waiting tasks gets room again, unless
    /// one is asked for that time or earlier already.
    private mutating func armRateWake(at now: Date) -> [SchedulerAction] {
        guard let next = book.nextRateReopening(total: slotsInUse, at: now) else { return [] }
        if let rateWake, rateWake <= next { return [] }
        rateWake = next
        return [.wake(at: next)]
    }

    /// What a cancel reaches: the running attempt, the held one (recorded at once), or the stored task.
    private mutating func cancel(_ id: TaskID) -> SchedulerAction {
        switch slots[id] {
        case .running, .releasing, .parked, .resuming:
            // A parked attempt's task is cancelled like a running one's: its wait throws, and it records
            // its outcome without waiting for a slot.
            return .cancelAttempt(id)
        case .held:
            _ = held.release(id)
            // Its slot stays until the cancel is recorded (`.attemptsEnded`).
            slots[id] = .running
            return .cancelHeld(id)
        case nil:
            return .cancelWaiting(id)
        }
    }
}
