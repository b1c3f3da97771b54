import CoroqJSON
import Foundation

/// Durable storage of tasks, in lifecycle verbs. Each method that changes state is one transaction.
///
/// Two implementations: `SQLiteTaskStore` (the daemon's) and `InMemoryTaskStore` (the reference, for
/// tests); one conformance suite runs against both.
public protocol TaskStore: CheckpointStore {
    /// Stores new tasks as `queued`, all or none, and returns them with their ids, in order.
    func submit(_ tasks: [NewTask], at now: Date) async throws -> [TaskRecord]

    /// Moves up to `limit` queued tasks, oldest first, to `running`, counting an attempt for each.
    func claim(limit: Int, at now: Date) async throws -> [TaskRecord]

    /// Records a task's outcome once. Throws `TaskTransitionError` when the task is already final, and
    /// `TaskStoreError.notFound` for an unknown id. When the task has an on-done command, it is marked
    /// pending in the same transaction.
    func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date) async throws -> TaskRecord

    /// Puts running tasks back in the queue (their attempt was cut off by a shutdown).
    func requeue(_ ids: [TaskID]) async throws

    /// At start-up: every task left `running` by the previous daemon goes back to the queue with its
    /// attempt count kept. Returns the ids moved.
    func recoverInterrupted() async throws -> [TaskID]

    /// Records that a task's on-done command ran (successfully or not), so it is not fired again.
    func markCallbackFired(_ id: TaskID, succeeded: Bool) async throws

    /// Finished tasks whose on-done command has not run yet (the daemon stopped in between).
    func pendingCallbacks() async throws -> [TaskRecord]

    // MARK: Reads

    /// The task with this id, or nil.
    func task(_ id: TaskID) async throws -> TaskRecord?

    /// The tasks with these ids that exist, in id order.
    func tasks(_ ids: [TaskID]) async throws -> [TaskRecord]

    /// The most recently submitted tasks, newest first.
    func recentTasks(limit: Int) async throws -> [TaskRecord]

    /// Ids of tasks that are queued or running.
    func unfinishedTaskIDs() async throws -> [TaskID]

    /// How many tasks are in each state (states with none are absent).
    func countsByState() async throws -> [TaskState: Int]
}

/// A storage failure, typed so the server can answer with a code.
public struct TaskStoreError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        case storage = "storage"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func notFound(_ id: TaskID) -> TaskStoreError {
        TaskStoreError(.notFound, "no task with id \(id)")
    }

    public var description: String { message }
}
