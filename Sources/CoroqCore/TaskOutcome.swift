import CoroqJSON

/// How a task's future completed. Recorded once; the case carries what the task produced.
public enum TaskOutcome: Sendable, Equatable {
    case succeeded(JSONValue)
    case failed(TaskError)
    case cancelled(reason: String)

    /// The state this outcome puts a task in.
    public var state: TaskState {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }

    public var isSuccess: Bool {
        if case .succeeded = self { return true }
        return false
    }

    /// The event that records this outcome.
    public var event: TaskEvent {
        switch self {
        case .succeeded: .succeed
        case .failed: .fail
        case .cancelled: .cancel
        }
    }
}

/// A typed error a task finished with: a stable machine code, a sentence for people, and details.
public struct TaskError: Error, Codable, Sendable, Equatable {
    /// A stable code, e.g. `exit_status`, `job_error`, `invalid_arguments`.
    public var code: String
    /// What happened, for a person.
    public var message: String
    /// Structured details (for `exec`: exit status and output tails).
    public var details: JSONValue?

    public init(code: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }
}
