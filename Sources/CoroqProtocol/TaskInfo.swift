import CoroqJSON

/// A task as it travels on the wire and is printed by `--json`.
public struct TaskInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var job: String
    public var args: JSONValue
    public var state: State
    public var attempts: Int
    /// Seconds since 1970.
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    public var result: JSONValue?
    public var error: TaskErrorInfo?
    public var onDone: String?
    /// False when the task must not run twice (`no_repeat`): cut off by a crash, it becomes `interrupted`.
    public var repeatable: Bool?
    /// In a summary (`status`'s list, `wait`'s lines), set when `args` is only an excerpt: a string holding
    /// the first bytes of the arguments' JSON text; this is the whole text's size in bytes (`show` has it all).
    public var argsTruncated: Int?
    /// The same for `result` (`coroq result ID` has it all).
    public var resultTruncated: Int?
    /// The task that spawned this one; absent for a submitted task.
    public var parent: Int64?
    /// The ids of its children (`status`, `show`); absent when it has none (or in a `wait` line).
    public var children: [Int64]?
    /// The latest progress report of the task (`coroq progress`, `JobContext.progress`), if any.
    public var progress: ProgressInfo?
    /// When a `scheduled` task joins the queue (seconds since 1970); kept after it ran. Absent: never delayed.
    public var runAt: Double?
    /// Its priority; absent when 0.
    public var priority: Int?
    /// Its retry policy; absent when it has none.
    public var retry: RetryPolicyInfo?
    /// Its queue (absent from an older daemon's answer: `default`).
    public var queue: String?
    /// Its label, if it has one.
    public var label: String?
    /// Seconds each attempt may run (`--timeout`); absent: no limit.
    public var timeout: Double?
    /// Its idempotency key (`--key`).
    public var key: String?
    /// Commands run when it succeeds (`--on-success`) and when it fails or is cancelled (`--on-failure`).
    public var onSuccess: String?
    public var onFailure: String?
    /// For a `--then` follow-up: the task whose result is its input.
    public var inputFrom: Int64?

    public init(
        id: Int64, job: String, args: JSONValue, state: State, attempts: Int, createdAt: Double,
        startedAt: Double?, finishedAt: Double?, result: JSONValue?, error: TaskErrorInfo?, onDone: String?,
        repeatable: Bool? = nil, argsTruncated: Int? = nil, resultTruncated: Int? = nil, parent: Int64? = nil,
        children: [Int64]? = nil
    ) {
        self.parent = parent
        self.children = children
        self.repeatable = repeatable
        self.argsTruncated = argsTruncated
        self.resultTruncated = resultTruncated
        self.id = id
        self.job = job
        self.args = args
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.result = result
        self.error = error
        self.onDone = onDone
    }

    enum CodingKeys: String, CodingKey {
        case id, job, args, state, attempts, result, error
        case createdAt = "created_at", startedAt = "started_at", finishedAt = "finished_at", onDone = "on_done"
        case repeatable, argsTruncated = "args_truncated", resultTruncated = "result_truncated", parent, children, progress
        case runAt = "run_at", priority, retry
        case queue, label
        case timeout, key, onSuccess = "on_success", onFailure = "on_failure", inputFrom = "input_from"
    }
}

/// A task's retry policy on the wire: `{"retries": 3, "backoff": "exponential", "base": 1, "cap": 3600, "jitter": 0}`.
public struct RetryPolicyInfo: Codable, Sendable, Equatable {
    public var retries: Int
    public var backoff: String
    public var base: Double
    public var cap: Double
    public var jitter: Double

    public init(retries: Int, backoff: String, base: Double, cap: Double, jitter: Double) {
        self.retries = retries
        self.backoff = backoff
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }
}

/// The typed error a task failed with.
public struct TaskErrorInfo: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
    public var details: JSONValue?

    public init(code: String, message: String, details: JSONValue?) {
        self.code = code
        self.message = message
        self.details = details
    }
}

/// A task to submit: `{"job": NAME, "args": {…}, "on_done": "shell command", "no_repeat": true}`.
public struct TaskSpec: Codable, Sendable, Equatable {
    public var job: String
    public var args: JSONValue?
    public var onDone: String?
    /// Never run this task twice: if the daemon dies while it runs, it becomes `interrupted`.
    public var noRepeat: Bool?
    /// Ids of tasks or futures (existing ones) that must finish first: the task waits `blocked` till then.
    public var after: [Int64]?
    /// `succeeded` (the default: a dependency that fails or is cancelled cancels the task) or `finished`
    /// (it runs whatever their outcome).
    public var afterPolicy: String?
    /// Join the queue this many seconds after the daemon stores it (`--in`); stored `scheduled` till then.
    public var delay: Double?
    /// Join the queue at this time, seconds since 1970 (`--at`); a time past runs at once.
    public var runAt: Double?
    /// Higher runs first; ties oldest first. Default 0.
    public var priority: Int?
    /// Run again after a failed attempt, at most this many times (`--retries`).
    public var retries: Int?
    /// `fixed` or `exponential` (the default): how the wait between attempts grows.
    public var backoff: String?
    /// The first wait in seconds (default 1).
    public var backoffBase: Double?
    /// The longest wait in seconds (default 3600).
    public var backoffCap: Double?
    /// A fraction 0…1 of each wait taken off at random (default 0).
    public var jitter: Double?
    /// The queue it joins (`default` when absent); it must exist.
    public var queue: String?
    /// A free-form label (`coroq status --label`).
    public var label: String?
    /// Seconds each attempt may run before it is cancelled and fails with `timeout`.
    public var timeout: Double?
    /// Idempotency key: a task kept with the same key is returned instead of a new one.
    public var key: String?
    /// Shell commands run when the task succeeds, and when it fails or is cancelled (beside `on_done`).
    public var onSuccess: String?
    public var onFailure: String?
    /// A follow-up task submitted with this one, run after it with its result as input (`--then`).
    public var then: FollowUpSpec?

    public init(
        job: String, args: JSONValue? = nil, onDone: String? = nil, noRepeat: Bool? = nil,
        after: [Int64]? = nil, afterPolicy: String? = nil, queue: String? = nil, label: String? = nil
    ) {
        self.queue = queue
        self.label = label
        self.job = job
        self.args = args
        self.onDone = onDone
        self.noRepeat = noRepeat
        self.after = after
        self.afterPolicy = afterPolicy
    }

    enum CodingKeys: String, CodingKey {
        case job, args, onDone = "on_done", noRepeat = "no_repeat", after, afterPolicy = "after_policy"
        case delay = "in", runAt = "run_at", priority, retries, backoff, backoffBase = "backoff_base"
        case backoffCap = "backoff_cap", jitter
        case queue, label
        case timeout, key, onSuccess = "on_success", onFailure = "on_failure", then
    }

    /// Reads only the members present (as the synthesized decoder would, absent and null both nil, unknown
    /// members ignored): a plain task names two of the twenty-one keys, and a lookup per absent key was a
    /// measurable part of a 100k-task submit. The names present come from the JSON itself when the decoder
    /// reads a `JSONValue` (`allKeys` cost as much again).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        job = try container.decode(String.self, forKey: .job)
        if let source = decoder as? any JSONValueSource, case .object(let members) = source.value {
            for name in members.keys {
                if let key = CodingKeys(stringValue: name) { try decodeMember(key, from: container) }
            }
        } else {
            for key in container.allKeys { try decodeMember(key, from: container) }
        }
    }

    private mutating func decodeMember(_ key: CodingKeys, from container: KeyedDecodingContainer<CodingKeys>) throws {
        switch key {
        case .job: return
        case .args: args = try container.decodeIfPresent(JSONValue.self, forKey: key)
        case .onDone: onDone = try container.decodeIfPresent(String.self, forKey: key)
        case .noRepeat: noRepeat = try container.decodeIfPresent(Bool.self, forKey: key)
        case .after: after = try container.decodeIfPresent([Int64].self, forKey: key)
        case .afterPolicy: afterPolicy = try container.decodeIfPresent(String.self, forKey: key)
        case .delay: delay = try container.decodeIfPresent(Double.self, forKey: key)
        case .runAt: runAt = try container.decodeIfPresent(Double.self, forKey: key)
        case .priority: priority = try container.decodeIfPresent(Int.self, forKey: key)
        case .retries: retries = try container.decodeIfPresent(Int.self, forKey: key)
        case .backoff: backoff = try container.decodeIfPresent(String.self, forKey: key)
        case .backoffBase: backoffBase = try container.decodeIfPresent(Double.self, forKey: key)
        case .backoffCap: backoffCap = try container.decodeIfPresent(Double.self, forKey: key)
        case .jitter: jitter = try container.decodeIfPresent(Double.self, forKey: key)
        case .queue: queue = try container.decodeIfPresent(String.self, forKey: key)
        case .label: label = try container.decodeIfPresent(String.self, forKey: key)
        case .timeout: timeout = try container.decodeIfPresent(Double.self, forKey: key)
        case .key: self.key = try container.decodeIfPresent(String.self, forKey: key)
        case .onSuccess: onSuccess = try container.decodeIfPresent(String.self, forKey: key)
        case .onFailure: onFailure = try container.decodeIfPresent(String.self, forKey: key)
        case .then: then = try container.decodeIfPresent(FollowUpSpec.self, forKey: key)
        }
    }
}

/// A `--then` follow-up: `{"job": NAME, "args": {…}, "on": "success" | "always"}`. It waits for the task it
/// follows and receives that task's result as its input (`"input"` in its arguments; an `exec` follow-up
/// gets it in `COROQ_INPUT` and `COROQ_INPUT_TASK`).
public struct FollowUpSpec: Codable, Sendable, Equatable {
    public var job: String
    public var args: JSONValue?
    /// `success` (the default: it is cancelled if the task does not succeed) or `always`.
    public var on: String?

    public init(job: String, args: JSONValue? = nil, on: String? = nil) {
        self.job = job
        self.args = args
        self.on = on
    }
}

/// A task with its history: `show`.
public struct TaskDetail: Codable, Sendable {
    public var task: TaskInfo
    public var attempts: [AttemptInfo]
    public var callbacks: [CallbackRunInfo]
    /// Its completed steps, in the order they were recorded (absent from an older daemon's answer).
    public var steps: [StepInfo]?
    /// The dependencies a blocked task still waits for (`--after`); absent when there are none.
    public var after: [Int64]?
    /// Its children, each with theirs (absent when it has none).
    public var tree: [TaskTreeNode]?
    /// The schedule that submitted it, and for which slot (absent for a task submitted otherwise).
    public var schedule: ScheduleFiringInfo?
    /// Its `--then` follow-ups (absent when it has none).
    public var then: [Int64]?
    /// For a follow-up: the task it follows, and on which outcome it runs (`success` or `always`).
    public var follows: FollowsInfo?

    public init(
        task: TaskInfo, attempts: [AttemptInfo], callbacks: [CallbackRunInfo], steps: [StepInfo]? = nil,
        after: [Int64]? = nil, tree: [TaskTreeNode]? = nil
    ) {
        self.tree = tree
        self.task = task
        self.attempts = attempts
        self.callbacks = callbacks
        self.steps = steps
        self.after = after
    }
}

/// A child task in `show`'s tree: what it is, how it ended, and its own children.
public struct TaskTreeNode: Codable, Sendable, Equatable {
    public var id: Int64
    public var job: String
    public var state: TaskInfo.State
    public var error: TaskErrorInfo?
    public var children: [TaskTreeNode]?

    public init(id: Int64, job: String, state: TaskInfo.State, error: TaskErrorInfo?, children: [TaskTreeNode]?) {
        self.id = id
        self.job = job
        self.state = state
        self.error = error
        self.children = children
    }
}

/// One run of a task. `outcome` is `succeeded`, `failed`, `cancelled`, `requeued` (cut off by a shutdown)
/// or `interrupted` (cut off by a crash); absent while it runs.
public struct AttemptInfo: Codable, Sendable, Equatable {
    public var number: Int
    /// Which daemon start it ran in (0: before history was kept).
    public var boot: Int64
    public var startedAt: Double
    public var finishedAt: Double?
    public var outcome: String?
    public var error: TaskErrorInfo?

    public init(number: Int, boot: Int64, startedAt: Double, finishedAt: Double?, outcome: String?, error: TaskErrorInfo?) {
        self.number = number
        self.boot = boot
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case number, boot, outcome, error, startedAt = "started_at", finishedAt = "finished_at"
    }
}

/// One run of a task's on-done command.
public struct CallbackRunInfo: Codable, Sendable, Equatable {
    public var startedAt: Double
    public var finishedAt: Double
    public var succeeded: Bool
    public var detail: String?

    public init(startedAt: Double, finishedAt: Double, succeeded: Bool, detail: String?) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.succeeded = succeeded
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case succeeded, detail, startedAt = "started_at", finishedAt = "finished_at" }
}

/// `show` of a `--then` follow-up: the task it follows and its policy.
public struct FollowsInfo: Codable, Sendable, Equatable {
    public var task: Int64
    /// `success` or `always`.
    public var on: String

    public init(task: Int64, on: String) {
        self.task = task
        self.on = on
    }
}
