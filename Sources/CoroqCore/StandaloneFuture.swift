import CoroqJSON

/// A standalone future: a row of the tasks table with the job name `future`, stored `pending` and never
/// claimed, that a person or a program resolves (`coroq future resolve`). `wait`, `show`, `result`,
/// `--after`, retention and backup treat it as any task.
public enum StandaloneFuture {
    /// The job name a future's row carries.
    public static let job = "future"

    /// A new future, named `name` (its args, shown in `coroq status`) or unnamed, with a shell command to
    /// run when it completes.
    public static func new(name: String?, onDone: String? = nil) -> NewTask {
        NewTask(job: job, arguments: name.map { ["name": .string($0)] } ?? .emptyObject, onDone: onDone, isFuture: true)
    }

    /// The error a future resolved with `--error MESSAGE` records.
    public static func failure(_ message: String) -> TaskError {
        TaskError(code: "future_error", message: message)
    }
}

extension TaskRecord {
    /// True for a standalone future (resolved or not).
    public var isFuture: Bool { job == StandaloneFuture.job }
}
