/// How a job gives its attempt's concurrency slot back while it waits — for a child, a future, a sent
/// value, a durable sleep — and takes one again before it goes on (`JobContext.waiting`). The scheduler
/// provides it; without one (a job run outside a daemon, a unit test), waiting keeps the slot.
public protocol AttemptParking: Sendable {
    /// The attempt of `task` waits: its slot may go to other work.
    func park(_ task: TaskID) async
    /// The attempt of `task` has what it waited for: returns once it holds a slot again.
    func unpark(_ task: TaskID) async
}

/// Tasks as a running job sees them: it can await another task's (or future's) outcome.
public protocol TaskWatching: Sendable {
    /// Task `id` once it is finished (at once if it is). Throws `TaskError` `unknown_task` for an id the
    /// store does not know, and `CancellationError` when the calling task is cancelled.
    func finished(_ id: TaskID) async throws -> TaskRecord
}

extension TaskError {
    /// An id that names no task or future.
    public static func unknownTask(_ id: TaskID) -> TaskError {
        TaskError(code: "unknown_task", message: "no task or future \(id): check the id with coroq status")
    }
}
