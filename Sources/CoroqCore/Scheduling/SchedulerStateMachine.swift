import CoroqJSON
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
/// Each attempt holds a slot from its claim until its outcome is recorded: `running` (a job's task),
/// `held` (in the timer heap), or `releasing` (its time came; its output is being recorded).
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
    }

    public private(set) var phase = Phase.serving
    public let configuration: SchedulerConfiguration
    /// The concurrency limit in force.
    public private(set) var limit: Int
    private var slots: [TaskID: Slot] = [:]
    private var held = HeldAttempts()
    /// Slots in `.releasing`; at most `configuration.releasedAtOnce`.
    private var releasing = 0
    /// False once a claim came back short: the queue is empty until the next wake (a submit).
    private var queueMayHaveMore = false
    /// True between the claims of one round: only its first claim waits for enough free slots.
    private var filling = false
    /// True from `.claim` until its `.claimed` or `.claimFailed`.
    private var claiming = false
    /// The time the timer is armed for, if it is.
    private var timer: Date?

    public init(configuration: SchedulerConfiguration) {
        self.configuration = configuration
        limit = configuration.concurrencyLimit
    }

    /// Attempts holding a slot: running, held or being recorded.
    public var attemptCount: Int { slots.count }

    /// Attempts waiting in the timer heap.
    public var heldCount: Int { held.count }

    /// The time the timer is armed for.
    public var timerArmedFor: Date? { timer }

    /// Applies `event`, which happened at `now`, and returns what to do, in order.
    public mutating func handle(_ event: SchedulerEvent, at now: Date) -> [SchedulerAction] {
        guard phase != .stopped else { return [] }
        var actions: [SchedulerAction] = []
        switch event {
        case .started, .wake:
            queueMayHaveMore = true
        case .limitChanged(let newLimit):
            limit = max(1, newLimit)
        case .claimed(let attempts, let requested):
            claiming = false
            queueMayHaveMore = attempts.count >= requested
            actions += admit(attempts, at: now)
        case .claimFailed:
            claiming = false
            filling = false
            queueMayHaveMore = false
            actions.append(.wake(at: now.addingTimeInterval(Seconds.of(configuration.retryDelayAfterStoreError))))
        case .attemptsEnded(let ids):
            var releasedEnded = false
            for id in ids {
                if slots.removeValue(forKey: id) == .releasing {
                    releasing -= 1
                    releasedEnded = true
                }
            }
            if releasedEnded { actions += releaseReady(at: now) }
            // A dictionary keeps the capacity of its largest burst: give it back once nothing runs.
            if slots.isEmpty { slots = [:] }
        case .timerFired(let armedFor):
            guard timer == armedFor else { break }  // replaced by an earlier one
            timer = nil
            actions += releaseReady(at: now)
        case .cancelRequested(let id):
            actions.append(cancel(id))
        case .drain:
            guard phase == .serving else { break }
            phase = .draining
            filling = false
            actions.append(.armDrainDeadline(at: now.addingTimeInterval(Seconds.of(configuration.shutdownGrace))))
        case .drainDeadline:
            guard phase == .draining else { break }
            let cut = held.takeAll()
            for record in cut { slots[record.id] = nil }
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
        actions += claimIfRoom()
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
                held.hold(attempt.record, until: readyAt)
                slots[attempt.record.id] = .held
                holding.append(attempt.record)
            } else {
                slots[attempt.record.id] = .running
                started.append(attempt.record)
            }
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
    private mutating func claimIfRoom() -> [SchedulerAction] {
        guard phase == .serving, queueMayHaveMore, !claiming else { return [] }
        let free = limit - slots.count
        guard free > 0 else {
            filling = false
            return []
        }
        let threshold = max(1, min(configuration.claimBatchSize, limit / 16))
        guard filling || free >= threshold || slots.isEmpty else { return [] }
        filling = true
        claiming = true
        return [.claim(limit: min(free, configuration.claimBatchSize))]
    }

    /// What a cancel reaches: the running attempt, the held one (recorded at once), or the stored task.
    private mutating func cancel(_ id: TaskID) -> SchedulerAction {
        switch slots[id] {
        case .running, .releasing:
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

    /// Releases the held attempts whose time has come, as many as `releasedAtOnce` allows beside those
    /// being recorded, then arms the timer for the next one. Ready attempts left over are released as the
    /// earlier ones are recorded.
    private mutating func releaseReady(at now: Date) -> [SchedulerAction] {
        let ready = held.takeReady(at: now, limit: configuration.releasedAtOnce - releasing)
        for record in ready { slots[record.id] = .releasing }
        releasing += ready.count
        return (ready.isEmpty ? [] : [.recordReady(ready)]) + armTimer(at: now)
    }

    /// Arms the timer for the earliest held attempt, unless it is armed for that time or earlier already,
    /// or that time has come while the released attempts are at their limit (those ending release the next).
    private mutating func armTimer(at now: Date) -> [SchedulerAction] {
        let full = releasing >= configuration.releasedAtOnce
        guard let next = held.nextReadyTime(), next > now || !full else { return [] }
        if let timer, timer <= next { return [] }
        timer = next
        return [.armTimer(at: next)]
    }
}
