import CoroqJSON
import Foundation

/// Durable storage of values sent to tasks (`coroq send`, `JobContext.receive`): per task, in the order
/// they were sent, each taken once.
public protocol MessageStore: Sendable {
    /// Stores `value` as the next value sent to `task`, unless the task is finished. Throws
    /// `TaskStoreError.notFound` for an unknown task.
    func send(_ task: TaskID, value: JSONValue, at now: Date) async throws -> SendReceipt

    /// The value that receive number `number` of `task` took, if it took one; else the oldest value not
    /// taken yet, marked taken by `number` in the same transaction; nil when there is none.
    func takeMessage(_ task: TaskID, receive number: Int, at now: Date) async throws -> JSONValue?
}

/// What became of a sent value.
public enum SendReceipt: Sendable, Equatable {
    /// Stored as the task's `sequence`-th value (from 1).
    case stored(sequence: Int64)
    /// Not stored: the task is finished (in this state), nothing will receive it.
    case taskFinished(TaskState)
}
