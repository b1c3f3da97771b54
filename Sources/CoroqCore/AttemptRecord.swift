import Foundation

/// One run of a task: when it started (and in which daemon start), how it ended.
public struct AttemptRecord: Sendable, Equatable {
    public var taskID: TaskID
    /// 1 for the first attempt.
    public var number: Int
    /// The daemon start (`BootRecovery.boot`) the attempt ran in.
    public var boot: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    /// Nil while the attempt runs.
    public var outcome: AttemptOutcome?
    public var error: TaskError?

    public init(
        taskID: TaskID, number: Int, boot: Int64, startedAt: Date, finishedAt: Date? = nil,
        outcome: AttemptOutcome? = nil, error: TaskError? = nil
    ) {
        self.taskID = taskID
        self.number = number
        self.boot = boot
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
    }
}

/// How an attempt ended.
public enum AttemptOutcome: String, Sendable, Codable, CaseIterable {
    case succeeded, failed, cancelled
    /// Cut off by a graceful shutdown; the task went back to the queue.
    case requeued
    /// Cut off by a crash: found running at the next start.
    case interrupted
}

/// What start-up found: the id of this daemon start, and the tasks the previous one left running.
public struct BootRecovery: Sendable, Equatable {
    public var boot: Int64
    /// Put back in the queue (their jobs are safe to repeat).
    public var requeued: [TaskID]
    /// Moved to `interrupted` for a person to decide.
    public var interrupted: [TaskID]
    /// Recorded `cancelled`: a cancel was accepted (`TaskStore.requestCancel`) before the daemon died.
    public var cancelled: [TaskID]

    public init(boot: Int64, requeued: [TaskID], interrupted: [TaskID], cancelled: [TaskID] = []) {
        self.cancelled = cancelled
        self.boot = boot
        self.requeued = requeued
        self.interrupted = interrupted
    }
}

/// One run of a task's on-done command.
public struct CallbackRun: Sendable, Equatable {
    public var taskID: TaskID
    public var startedAt: Date
    public var finishedAt: Date
    public var succeeded: Bool
    /// Why it failed (exit status, timeout, could not start).
    public var detail: String?

    public init(taskID: TaskID, startedAt: Date, finishedAt: Date, succeeded: Bool, detail: String? = nil) {
        self.taskID = taskID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.succeeded = succeeded
        self.detail = detail
    }
}

extension AttemptOutcome {
    /// How an attempt that produced `outcome` ended.
    public init(_ outcome: TaskOutcome) {
        switch outcome {
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        }
    }
}
