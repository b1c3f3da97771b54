import CoroqJSON
import Foundation

/// Values sent to tasks (`coroq send`), as a running job receives them (`JobContext.receive`). The daemon
/// provides it; a send wakes a waiting receive at once.
public protocol TaskMessages: Sendable {
    /// The value that receive number `number` (1, 2, … within a run) of `task` takes: the one it took
    /// before when the task runs again, else the oldest value not taken yet, marked taken by `number` in
    /// the same transaction. Waits for a send when there is none; nil once `deadline` (if any) has passed.
    /// Throws `CancellationError` when the calling task is cancelled first.
    func receive(_ task: TaskID, number: Int, until deadline: Date?) async throws -> JSONValue?
}

extension TaskError {
    /// `receive` in a job that runs outside a daemon.
    static let noMessages = TaskError(
        code: "receive_unavailable",
        message: "this job runs outside a coroq daemon, so nothing can be sent to it: run it through coroqd")
}
