import CoroqJSON

/// `send`: store `value` for task `task` to receive, after the values sent to it before.
public struct SendParams: Codable, Sendable {
    public var task: Int64
    public var value: JSONValue

    public init(task: Int64, value: JSONValue) {
        self.task = task
        self.value = value
    }
}

/// The answer to `send`: the value is stored (durably) as the task's `sequence`-th.
public struct SendResult: Codable, Sendable {
    public var task: Int64
    public var sequence: Int64

    public init(task: Int64, sequence: Int64) {
        self.task = task
        self.sequence = sequence
    }
}

/// `receive`: the next value sent to task `task`, for the script its attempt `attempt` runs
/// (`$COROQ_TASK_ID`, `$COROQ_ATTEMPT`); waits for one at most `timeout` seconds (for ever when absent).
public struct ReceiveParams: Codable, Sendable {
    public var task: Int64
    public var attempt: Int?
    public var timeout: Double?

    public init(task: Int64, attempt: Int?, timeout: Double?) {
        self.task = task
        self.attempt = attempt
        self.timeout = timeout
    }
}

/// The answer to `receive`: the value, or `timed_out` when nothing was sent in time.
public struct ReceiveResult: Codable, Sendable {
    public var value: JSONValue?
    public var timedOut: Bool

    public init(value: JSONValue?, timedOut: Bool) {
        self.value = value
        self.timedOut = timedOut
    }

    enum CodingKeys: String, CodingKey { case value, timedOut = "timed_out" }
}
