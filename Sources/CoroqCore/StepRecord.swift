import CoroqJSON
import Foundation

/// A completed step of a task (`JobContext.step`, `coroq step`): its result, stored before the step
/// returned, so that a later attempt of the task gets it back instead of running the step again.
public struct StepRecord: Sendable, Equatable {
    public var taskID: TaskID
    /// Unique within the task.
    public var name: String
    /// What `result` holds: the Swift type a job's step returned (`String(reflecting:)`), or
    /// `StepRecord.exitStatusKind` for a shell step (`coroq step`).
    public var kind: String
    public var result: JSONValue
    /// The attempt that ran the step.
    public var attempt: Int
    public var startedAt: Date
    public var finishedAt: Date

    /// The kind of a shell step: its result is the command's exit status.
    public static let exitStatusKind = "exit_status"

    public init(
        taskID: TaskID, name: String, kind: String, result: JSONValue, attempt: Int, startedAt: Date, finishedAt: Date
    ) {
        self.taskID = taskID
        self.name = name
        self.kind = kind
        self.result = result
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
