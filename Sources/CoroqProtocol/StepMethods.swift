import CoroqJSON

/// `step.get`: the completed step `name` of task `task`, if any (`coroq step`, before it runs its command).
public struct StepParams: Codable, Sendable {
    public var task: Int64
    public var name: String

    public init(task: Int64, name: String) {
        self.task = task
        self.name = name
    }
}

/// `step.record`: a shell step's command exited with `exit_status`; stored unless the task has a step of
/// that name already.
public struct StepRecordParams: Codable, Sendable {
    public var task: Int64
    public var name: String
    /// The attempt that ran it (`$COROQ_ATTEMPT`); the task's current attempt when absent.
    public var attempt: Int?
    public var exitStatus: Int32
    /// Seconds since 1970.
    public var startedAt: Double
    public var finishedAt: Double

    public init(task: Int64, name: String, attempt: Int?, exitStatus: Int32, startedAt: Double, finishedAt: Double) {
        self.task = task
        self.name = name
        self.attempt = attempt
        self.exitStatus = exitStatus
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case task, name, attempt, exitStatus = "exit_status", startedAt = "started_at", finishedAt = "finished_at"
    }
}

/// The answer to `step.get` and `step.record`: the stored step (absent from `step.get` when the step has
/// not completed).
public struct StepResult: Codable, Sendable {
    public var step: StepInfo?
    public init(step: StepInfo?) { self.step = step }
}

/// A completed step of a task, in `show` and the `step.*` answers.
public struct StepInfo: Codable, Sendable, Equatable {
    public var name: String
    /// `exit_status` for a shell step (`result` is the command's exit status), else the Swift type of a
    /// job's step result.
    public var kind: String
    public var result: JSONValue
    /// The attempt that ran it.
    public var attempt: Int
    public var startedAt: Double
    public var finishedAt: Double

    /// The kind of a shell step.
    public static let exitStatusKind = "exit_status"

    public init(name: String, kind: String, result: JSONValue, attempt: Int, startedAt: Double, finishedAt: Double) {
        self.name = name
        self.kind = kind
        self.result = result
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// A shell step's recorded exit status.
    public var exitStatus: Int32? {
        guard kind == Self.exitStatusKind, case .int(let status) = result else { return nil }
        return Int32(exactly: status)
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, result, attempt, startedAt = "started_at", finishedAt = "finished_at"
    }
}
