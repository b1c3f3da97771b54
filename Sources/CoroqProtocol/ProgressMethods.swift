import CoroqJSON

/// A running task's latest progress report, in `status`, `show`, `get` and `task.progress`.
public struct ProgressInfo: Codable, Sendable, Equatable {
    /// From 0 to 1; absent when the job gave only a note.
    public var fraction: Double?
    public var note: String?
    /// Seconds since 1970.
    public var updatedAt: Double

    public init(fraction: Double?, note: String?, updatedAt: Double) {
        self.fraction = fraction
        self.note = note
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey { case fraction, note, updatedAt = "updated_at" }
}

/// `progress`: the script of running task `task` reports how far it is (`coroq progress`).
public struct ProgressParams: Codable, Sendable {
    public var task: Int64
    public var fraction: Double?
    public var note: String?

    public init(task: Int64, fraction: Double?, note: String?) {
        self.task = task
        self.fraction = fraction
        self.note = note
    }
}

/// The answer to `progress`.
public struct ProgressResult: Codable, Sendable {
    public var task: Int64
    public init(task: Int64) { self.task = task }
}

/// Pushed during a `wait` that asked for `progress`: an awaited task reported progress.
public let taskProgressNotification = "task.progress"

/// The params of `task.progress`.
public struct TaskProgressParams: Codable, Sendable {
    public var id: Int64
    public var progress: ProgressInfo

    public init(id: Int64, progress: ProgressInfo) {
        self.id = id
        self.progress = progress
    }
}
