import CoroqJSON
import Foundation

/// What the store knows about one task.
public struct TaskRecord: Sendable, Equatable, Identifiable {
    public var id: TaskID
    public var job: String
    public var arguments: JSONValue
    public var state: TaskState
    /// Attempts started so far, including ones cut off by a restart.
    public var attempts: Int
    /// The result (succeeded) — nil until the task succeeds.
    public var result: JSONValue?
    /// The error (failed or cancelled) — nil unless the task failed or was cancelled.
    public var error: TaskError?
    /// Shell command run when the future completes.
    public var onDone: String?
    /// False for a task that must not run twice: cut off by a crash, it becomes `interrupted`.
    public var repeatable: Bool
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The task that spawned this one (`JobContext.spawn`, `coroq spawn`); nil for a submitted task.
    public var parentID: TaskID?
    /// When a `scheduled` task joins the queue (a delay, or a retry's back-off); kept after it ran.
    public var runAt: Date?
    /// Higher runs first among queued tasks; ties oldest first. Default 0.
    public var priority: Int
    /// How a failed attempt is retried; nil: a failed attempt fails the task.
    public var retryPolicy: RetryPolicy?
    /// The queue it waits in and whose limits its starts count against (`QueueName.defaultQueue`).
    public var queue: String
    /// A free-form label for finding it (`coroq status --label`).
    public var label: String?

    public init(
        id: TaskID, job: String, arguments: JSONValue, state: TaskState, attempts: Int = 0,
        result: JSONValue? = nil, error: TaskError? = nil, onDone: String? = nil, repeatable: Bool = true,
        createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, parentID: TaskID? = nil,
        runAt: Date? = nil, priority: Int = 0, retryPolicy: RetryPolicy? = nil,
        queue: String = QueueName.defaultQueue, label: String? = nil
    ) {
        self.parentID = parentID
        self.runAt = runAt
        self.priority = priority
        self.retryPolicy = retryPolicy
        self.queue = queue
        self.label = label
        self.repeatable = repeatable
        self.id = id
        self.job = job
        self.arguments = arguments
        self.state = state
        self.attempts = attempts
        self.result = result
        self.error = error
        self.onDone = onDone
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// This task with `outcome` applied: its final state, result or error, and finish time. Throws when the
    /// current state does not allow it (a task finishes once). A failed attempt of a running task whose
    /// retry policy allows another leaves it `scheduled` for its back-off instead (`backingOff`).
    public func finishing(_ outcome: TaskOutcome, at now: Date) throws(TaskTransitionError) -> TaskRecord {
        if let retry = try backingOff(outcome, at: now) { return retry }
        var record = self
        record.state = try state.applying(outcome.event)
        switch outcome {
        case .succeeded(let value): record.result = value
        case .failed(let error): record.error = error
        case .cancelled(let reason): record.error = TaskError(code: "cancelled", message: reason)
        }
        record.finishedAt = now
        return record
    }

    /// This task after its attempt was cut off (`requeue` or `interrupt`), or after a person retried it
    /// (`retry`); its attempt count is kept.
    public func applying(_ event: TaskEvent) throws(TaskTransitionError) -> TaskRecord {
        var record = self
        record.state = try state.applying(event)
        if record.state == .queued { record.startedAt = nil }
        return record
    }

    /// The outcome of a finished task, nil while it is queued or running.
    public var outcome: TaskOutcome? {
        switch state {
        case .queued, .running, .interrupted, .blocked, .pending, .scheduled: nil
        case .succeeded: .succeeded(result ?? .null)
        case .failed: .failed(error ?? TaskError(code: "unknown", message: "failed"))
        case .cancelled: .cancelled(reason: error?.message ?? "cancelled")
        }
    }
}

/// A task as submitted, before the store gives it an id.
public struct NewTask: Sendable, Equatable {
    public var job: String
    public var arguments: JSONValue
    public var onDone: String?
    public var repeatable: Bool
    /// The tasks (or futures) it waits for (`--after`), nil for a task that joins the queue at once.
    public var after: TaskDependencies?
    /// True for a standalone future: stored `pending`, never claimed, resolved by a person or a program.
    public var isFuture: Bool
    /// When it joins the queue (`--in`/`--at`): stored `scheduled` until then. Nil: at once.
    public var runAt: Date?
    /// Higher runs first; ties oldest first.
    public var priority: Int
    /// How a failed attempt is retried; nil: not at all.
    public var retryPolicy: RetryPolicy?
    /// The queue it joins (`QueueName.defaultQueue` unless given).
    public var queue: String
    /// A free-form label for finding it (`coroq status --label`).
    public var label: String?

    public init(
        job: String, arguments: JSONValue = .emptyObject, onDone: String? = nil, repeatable: Bool = true,
        after: TaskDependencies? = nil, isFuture: Bool = false, runAt: Date? = nil, priority: Int = 0,
        retryPolicy: RetryPolicy? = nil, queue: String = QueueName.defaultQueue, label: String? = nil
    ) {
        self.runAt = runAt
        self.priority = priority
        self.retryPolicy = retryPolicy
        self.queue = queue
        self.label = label
        self.job = job
        self.arguments = arguments
        self.onDone = onDone
        self.repeatable = repeatable
        self.after = after
        self.isFuture = isFuture
    }

    /// The state it is stored in: `pending` (a future), `blocked` (it has dependencies; the store settles it
    /// at once if they have finished already), `scheduled` (it has a run time) or `queued`.
    public var initialState: TaskState {
        if isFuture { return .pending }
        if after != nil { return .blocked }
        return runAt == nil ? .queued : .scheduled
    }
}
