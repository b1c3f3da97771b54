import CoroqJSON

/// A task as it travels on the wire and is printed by `--json`.
public struct TaskInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var job: String
    public var args: JSONValue
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    public var state: String
    public var attempts: Int
    /// Seconds since 1970.
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    public var result: JSONValue?
    public var error: TaskErrorInfo?
    public var onDone: String?

    public init(
        id: Int64, job: String, args: JSONValue, state: String, attempts: Int, createdAt: Double,
        startedAt: Double?, finishedAt: Double?, result: JSONValue?, error: TaskErrorInfo?, onDone: String?
    ) {
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

/// A task to submit: `{"job": NAME, "args": {…}, "on_done": "shell command"}`.
public struct TaskSpec: Codable, Sendable, Equatable {
    public var job: String
    public var args: JSONValue?
    public var onDone: String?

    public init(job: String, args: JSONValue? = nil, onDone: String? = nil) {
        self.job = job
        self.args = args
        self.onDone = onDone
    }

    enum CodingKeys: String, CodingKey { case job, args, onDone = "on_done" }
}
