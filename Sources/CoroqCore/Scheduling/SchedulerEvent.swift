import Foundation

/// What the scheduler's state machine hears: from the executor that runs it (a claim's result, attempts
/// that ended, the timer), from the daemon (a submit's wake, a reload, a cancel) and from the service group
/// (a shutdown).
public enum SchedulerEvent: Sendable, Equatable {
    /// The executor started: claim what an earlier daemon left queued.
    case started
    /// Tasks may be waiting: a submit, a retry, or the pause after a failed claim is over.
    case wake
    /// The concurrency limit changed (a reload). Running attempts are not stopped when it goes down.
    case limitChanged(Int)
    /// The store moved these tasks to `running`, out of `requested` asked for.
    case claimed([ClaimedAttempt], requested: Int)
    /// The store could not claim.
    case claimFailed
    /// These attempts' outcomes are recorded (or they were cut off by shutdown): their slots are free.
    case attemptsEnded([TaskID])
    /// The timer armed for `armedFor` went off.
    case timerFired(armedFor: Date)
    /// A person or program asked to cancel this task.
    case cancelRequested(TaskID)
    /// This running attempt waits for something outside it (`JobContext.waiting`): its slot is free.
    case parked(TaskID)
    /// This parked attempt has what it waited for and asks for a slot to go on (answered by `.resume`).
    case unparkRequested(TaskID)
    /// A graceful shutdown began: no new attempt starts; running ones may finish for the grace period.
    case drain
    /// The shutdown grace period is over.
    case drainDeadline
    /// A task is `scheduled` to join the queue at this time (a submit `--in`/`--at`, a retry's back-off).
    case scheduledDue(Date)
    /// The store promoted the scheduled tasks that were due (`.promote`); `next` is the earliest run time
    /// of those still scheduled, nil when none is.
    case promoted(next: Date?)
    /// The queues' settings changed (a reload, `coroq queue set|pause|resume`): every known queue, `default`
    /// included. Running attempts are not stopped when a limit goes down or a queue is paused.
    case queuesChanged([QueueDefinition])
}

/// A claimed task, and for an attempt of a timed job (`TimedJob`) when it has nothing left to wait for.
public struct ClaimedAttempt: Sendable, Equatable {
    public var record: TaskRecord
    /// Nil for a job that is not timed (or whose arguments do not decode: `run` reports those).
    public var readyAt: Date?
    /// When the attempt times out (its start plus the task's `timeout`); nil: no timeout.
    public var deadline: Date?

    public init(_ record: TaskRecord, readyAt: Date? = nil, deadline: Date? = nil) {
        self.record = record
        self.readyAt = readyAt
        self.deadline = deadline
    }
}

/// What the state machine asks its executor to do, in order.
public enum SchedulerAction: Sendable, Equatable {
    /// Claim up to `limit` queued tasks (`TaskStore.claim`), then report `.claimed` or `.claimFailed`.
    case claim(limit: Int)
    /// Run an attempt of each task; report `.attemptsEnded` once each outcome is recorded.
    case start([TaskRecord])
    /// These attempts wait in the timer heap: they started (their attempt is open) but run nothing.
    case hold([TaskRecord])
    /// These held attempts' time has come: record each job's output; report `.attemptsEnded`.
    case recordReady([TaskRecord])
    /// Arm the one timer for this time (replacing an armed one); report `.timerFired(armedFor:)`.
    case armTimer(at: Date)
    /// Disarm the timer.
    case cancelTimer
    /// Report `.wake` at this time (after a failed claim).
    case wake(at: Date)
    /// Cancel this running attempt; its outcome, recorded as usual, answers the cancel.
    case cancelAttempt(TaskID)
    /// Record the cancel of this held attempt (it has nothing running); report `.attemptsEnded`.
    case cancelHeld(TaskID)
    /// Record the cancel of this task, which has no attempt in this daemon (queued, interrupted, finished).
    case cancelWaiting(TaskID)
    /// Put these claimed tasks back in the queue (`TaskStore.cutOff`), `interrupted` if not safe to repeat.
    case cutOff([TaskRecord])
    /// Report `.drainDeadline` at this time.
    case armDrainDeadline(at: Date)
    /// These parked attempts hold a slot again: let them go on.
    case resume([TaskID])
    /// Cut these parked attempts off (shutdown): cancel their tasks without a reason, so each records its
    /// cut-off (back to the queue) and reports `.attemptsEnded`.
    case interruptParked([TaskID])
    /// Cancel every running attempt (shutdown): each records its cut-off and reports `.attemptsEnded`.
    case cancelRunningAttempts
    /// The scheduler is done: nothing runs and nothing will start.
    case stop
    /// Move every scheduled task whose run time has come to the queue, in one write
    /// (`TaskStore.promoteDue`), then report `.promoted(next:)`.
    case promote
    /// Claim from these queues, up to each one's limit (`TaskStore.claim(from:)`), then report `.claimed`
    /// (with the sum of the limits as `requested`) or `.claimFailed`. Used while some queue limits starts.
    case claimFromQueues([QueueRoom])
    /// These held attempts reached their deadline before their ready time: record each as failed with
    /// `timeout`; report `.attemptsEnded`.
    case recordTimedOut([TaskRecord])
    /// These running or parked attempts reached their deadline: cancel each, and record it as failed with
    /// `timeout` (unless it succeeded meanwhile); report `.attemptsEnded` as usual.
    case timeOut([TaskID])
}
