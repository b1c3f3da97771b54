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
    /// The options it was submitted with beyond the basics, nil while all are defaults (`TaskOptions`).
    private var optionsBox: TaskOptionsBox?

    /// When a `scheduled` task joins the queue (a delay, or a retry's back-off); kept after it ran.
    public var runAt: Date? {
        get { optionsBox?.value.runAt }
        set { options.runAt = newValue }
    }
    /// Higher runs first among queued tasks; ties oldest first. Default 0.
    public var priority: Int {
        get { optionsBox?.value.priority ?? 0 }
        set { options.priority = newValue }
    }
    /// How a failed attempt is retried; nil: a failed attempt fails the task.
    public var retryPolicy: RetryPolicy? {
        get { optionsBox?.value.retryPolicy }
        set { options.retryPolicy = newValue }
    }
    /// The queue it waits in and whose limits its starts count against (`QueueName.defaultQueue`).
    public var queue: String {
        get { optionsBox?.value.queue ?? QueueName.defaultQueue }
        set { options.queue = newValue }
    }
    /// A free-form label for finding it (`coroq status --label`).
    public var label: String? {
        get { optionsBox?.value.label }
        set { options.label = newValue }
    }
    /// Seconds an attempt may run before it is cancelled and fails with `timeout` (`--timeout`); nil: no limit.
    public var timeout: Double? {
        get { optionsBox?.value.timeout }
        set { options.timeout = newValue }
    }
    /// The idempotency key it was submitted with (`--key`), nil for none.
    public var key: String? {
        get { optionsBox?.value.key }
        set { options.key = newValue }
    }
    /// Shell commands run when it succeeds (`--on-success`), and when it fails or is cancelled (`--on-failure`).
    public var onSuccess: String? {
        get { optionsBox?.value.onSuccess }
        set { options.onSuccess = newValue }
    }
    public var onFailure: String? {
        get { optionsBox?.value.onFailure }
        set { options.onFailure = newValue }
    }
    /// For a `--then` follow-up: the task whose result is its input.
    public var inputFrom: TaskID? {
        get { optionsBox?.value.inputFrom }
        set { options.inputFrom = newValue }
    }

    /// All the options at once; setting them to the defaults drops the box.
    private var options: TaskOptions {
        get { optionsBox?.value ?? TaskOptions() }
        set { optionsBox = newValue == TaskOptions() ? nil : TaskOptionsBox(newValue) }
    }

    public init(
        id: TaskID, job: String, arguments: JSONValue, state: TaskState, attempts: Int = 0,
        result: JSONValue? = nil, error: TaskError? = nil, onDone: String? = nil, repeatable: Bool = true,
        createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, parentID: TaskID? = nil,
        runAt: Date? = nil, priority: Int = 0, retryPolicy: RetryPolicy? = nil,
        queue: String = QueueName.defaultQueue, label: String? = nil,
        timeout: Double? = nil, key: String? = nil, onSuccess: String? = nil, onFailure: String? = nil,
        inputFrom: TaskID? = nil
    ) {
        let options = TaskOptions(
            runAt: runAt, priority: priority, retryPolicy: retryPolicy, queue: queue, label: label, timeout: timeout,
            key: key, onSuccess: onSuccess, onFailure: onFailure, inputFrom: inputFrom)
        self.optionsBox = options == TaskOptions() ? nil : TaskOptionsBox(options)
        self.parentID = parentID
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
    /// Seconds each attempt may run (`--timeout`); nil: no limit.
    public var timeout: Double?
    /// Idempotency key (`--key`): a live or recent task with the same key is returned instead.
    public var key: String?
    /// Commands run on success (`--on-success`) and on failure or cancel (`--on-failure`).
    public var onSuccess: String?
    public var onFailure: String?
    /// A `--then` follow-up: the position, in the same submit, of the task whose result is its input (it
    /// also depends on it, `after`).
    public var inputFromIndex: Int?

    public init(
        job: String, arguments: JSONValue = .emptyObject, onDone: String? = nil, repeatable: Bool = true,
        after: TaskDependencies? = nil, isFuture: Bool = false, runAt: Date? = nil, priority: Int = 0,
        retryPolicy: RetryPolicy? = nil, queue: String = QueueName.defaultQueue, label: String? = nil,
        timeout: Double? = nil, key: String? = nil, onSuccess: String? = nil, onFailure: String? = nil,
        inputFromIndex: Int? = nil
    ) {
        self.runAt = runAt
        self.priority = priority
        self.retryPolicy = retryPolicy
        self.queue = queue
        self.label = label
        self.timeout = timeout
        self.key = key
        self.onSuccess = onSuccess
        self.onFailure = onFailure
        self.inputFromIndex = inputFromIndex
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
        if after != nil || inputFromIndex != nil { return .blocked }
        return runAt == nil ? .queued : .scheduled
    }

    /// True when it has any of the callbacks that a finish marks pending.
    public var hasCallback: Bool { onDone != nil || onSuccess != nil || onFailure != nil }

    /// True when it sets none of the options stored after its first five values (no delay, priority, retry
    /// policy, queue, label, timeout, key or success/failure callback): the store writes a shorter row.
    public var isPlain: Bool {
        runAt == nil && priority == 0 && retryPolicy == nil && queue == QueueName.defaultQueue && label == nil
            && timeout == nil && key == nil && onSuccess == nil && onFailure == nil
    }
}
