import Foundation

/// How far a running task says it is (`JobContext.progress`, `coroq progress`): the latest report only.
public struct TaskProgress: Sendable, Equatable {
    /// From 0 to 1, or nil when the job gave only a note.
    public var fraction: Double?
    public var note: String?
    public var updatedAt: Date

    public init(fraction: Double?, note: String?, updatedAt: Date) {
        self.fraction = fraction.flatMap { $0.isFinite ? min(1, max(0, $0)) : nil }
        self.note = note
        self.updatedAt = updatedAt
    }
}

/// Where a job's progress reports go. Cheap to call in a tight loop: reports are coalesced in memory and
/// stored a few times a second, the latest per task.
public protocol TaskProgressReporting: Sendable {
    func report(_ task: TaskID, _ progress: TaskProgress)
}

/// Durable storage of each task's latest progress.
public protocol ProgressStore: Sendable {
    /// Stores these reports (replacing each task's earlier one), in one transaction. Reports of tasks
    /// deleted meanwhile are dropped.
    func recordProgress(_ reports: [TaskID: TaskProgress]) async throws

    /// The latest stored progress of these tasks, for those that reported any.
    func progress(of ids: [TaskID]) async throws -> [TaskID: TaskProgress]
}

extension JobContext {
    /// Reports how far the task is: `fraction` from 0 to 1 (nil: unknown), and a short note. Shown by
    /// `coroq status`, `coroq show` and a `coroq wait` on a terminal. Cheap: call it as often as you like,
    /// the latest report is stored a few times a second.
    public func progress(_ fraction: Double?, _ note: String? = nil) {
        progressReporter?.report(taskID, TaskProgress(fraction: fraction, note: note, updatedAt: clock.now()))
    }
}
