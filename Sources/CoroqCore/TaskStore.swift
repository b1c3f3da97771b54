import CoroqJSON
import Foundation

/// Durable storage of tasks, in lifecycle verbs. Each method that changes state is one transaction (or
/// one savepoint of a group-committed one): all of it or none.
///
/// Two implementations: `SQLiteTaskStore` (the daemon's) and `InMemoryTaskStore` (the reference, for
/// tests); one conformance suite runs against both.
public protocol TaskStore: CheckpointStore {
    /// Stores new tasks, all or none, and returns them with their ids, in order: `queued`, `pending` (a
    /// future) or `blocked` (with dependencies; settled at once when they have finished already). Throws
    /// `UnknownDependencyError` when a dependency does not exist (nothing is stored).
    func submit(_ tasks: [NewTask], at now: Date) async throws -> [TaskRecord]

    /// `submit` for tasks with idempotency keys (`NewTask.key`) or `--then` follow-ups
    /// (`NewTask.inputFromIndex`), all or none: a task whose key a kept task holds (same job and arguments)
    /// is returned instead of stored, and its follow-up is its existing follow-up; another job or other
    /// arguments under the key throw `KeyConflictError`. A task repeating an earlier task's key in the same
    /// submit is that task.
    func submitGuarded(_ tasks: [NewTask], at now: Date) async throws -> [SubmittedTask]

    /// The task's `--then` follow-ups and, for a follow-up, what it follows (`show`).
    func chain(of id: TaskID) async throws -> TaskChain

    /// Moves up to `limit` queued tasks, highest priority first, then oldest first, to `running`, and opens an attempt for each in the
    /// current daemon start.
    func claim(limit: Int, at now: Date) async throws -> [TaskRecord]

    /// Records a task's outcome once, closing its running attempt; in the same transaction its blocked
    /// dependents are released to the queue or cancelled (and theirs in turn), as their policy says. Cancelling
    /// applies to queued, blocked, pending and interrupted tasks too; succeeding or failing to a pending future. Throws `TaskTransitionError` when the state does not allow it (a final task),
    /// and `TaskStoreError.notFound` for an unknown id. A task with an on-done command gets it marked
    /// pending in the same transaction (the outbox).
    func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date) async throws -> TaskRecord

    /// `finish` for many attempts that just ended, given each task as it was claimed (a store may then
    /// write the outcomes without reading the tasks first), in one transaction. A task whose state does not
    /// allow its outcome is left as it is, and nil stands for it in the result (in order).
    func finish(claimedBatch: [(claimed: TaskRecord, outcome: TaskOutcome)], at now: Date) async throws -> [TaskRecord?]

    /// Ends running tasks' attempts cut off by a shutdown: a task safe to repeat goes back to the queue (its
    /// attempt `requeued`); one that must not repeat becomes `interrupted` (its attempt too). Returns the
    /// tasks as they are now.
    func cutOff(_ ids: [TaskID], at now: Date) async throws -> [TaskRecord]

    /// The blocked tasks that committed writes released (now `queued`) or cancelled (now `cancelled`) since
    /// the last call: the scheduler wakes for the first and fires the done-callbacks of the second.
    func takeSettledDependents() async -> [TaskRecord]

    /// Sends an interrupted, failed or cancelled task back to the queue (a person decided it may run
    /// again): a new attempt, its result, error and finish time cleared, its on-done armed again. Throws
    /// `TaskTransitionError` for a task in any other state.
    func retry(_ id: TaskID, at now: Date) async throws -> TaskRecord

    /// At start-up: records a new daemon start and settles what the previous one left running — each
    /// such attempt is closed as `interrupted`; the task goes back to the queue, or, when it is not safe to
    /// repeat, to `interrupted`. First, every unfinished task with a cancel requested (`requestCancel`) is
    /// recorded `cancelled` with its reason (its open attempt too): an accepted cancel holds across a crash.
    func startBoot(at now: Date) async throws -> BootRecovery

    /// Records a run of a task's on-done command; the callback is no longer pending.
    func recordCallbackRun(_ run: CallbackRun) async throws

    /// Deletes finished tasks (in `states`, final ones only) that finished before `cutoff`, with their
    /// history. Returns their ids.
    func clean(finishedBefore cutoff: Date, states: Set<TaskState>) async throws -> [TaskID]

    /// Stores a child of running task `parent` under `key` (unique per parent), queued, and returns it; when
    /// the parent has a child under `key` already (an earlier attempt spawned it), returns that one
    /// (`created` false) and stores nothing. Throws `TaskError` `parent_not_running` when the parent is not
    /// running or has a cancel requested, `TaskStoreError.notFound` for an unknown parent.
    func spawn(_ child: NewTask, parent: TaskID, key: String, at now: Date) async throws -> SpawnedChild

    /// Records, durably and before anything is cancelled, that `id` and its unfinished descendants are to
    /// be cancelled: each gets its reason (`reason` for `id`, `SpawnKey.cancelReason` for a descendant;
    /// a task that has a reason already keeps it), which start-up honours (`startBoot`: such a task is
    /// recorded `cancelled`, not run again). Returns the requests, `id` first, then its descendants
    /// parents before children. Throws `TaskTransitionError` for a finished task.
    func requestCancel(_ id: TaskID, reason: String, at now: Date) async throws -> [CancelRequest]

    // MARK: Reads

    /// A task's children (direct), in id order.
    func children(of id: TaskID) async throws -> [TaskRecord]

    /// A task's descendants (children, their children…), in id order, at most `limit`.
    func descendants(of id: TaskID, limit: Int) async throws -> [TaskRecord]

    /// The ids of the children of each of `parents` that has any, in id order.
    func childIDs(of parents: [TaskID]) async throws -> [TaskID: [TaskID]]

    /// The task with this id, or nil.
    func task(_ id: TaskID) async throws -> TaskRecord?

    /// The tasks with these ids that exist, in id order.
    func tasks(_ ids: [TaskID]) async throws -> [TaskRecord]

    /// The most recently submitted tasks, newest first.
    func recentTasks(limit: Int) async throws -> [TaskRecord]

    /// The ids of the most recently submitted tasks, newest first (a `status` page reads their tasks a few
    /// at a time, so a page of large tasks is never in memory at once).
    func recentTaskIDs(limit: Int) async throws -> [TaskID]

    /// Ids of tasks that are queued, running or blocked (not pending futures: they wait for a person).
    func unfinishedTaskIDs() async throws -> [TaskID]

    /// How many tasks are in each state (states with none are absent).
    func countsByState() async throws -> [TaskState: Int]

    /// The ids a blocked task still waits for (empty once it is released or cancelled).
    func dependencies(of id: TaskID) async throws -> [TaskID]

    /// A task's attempts, first to last.
    func attempts(of id: TaskID) async throws -> [AttemptRecord]

    /// When each of these tasks' first attempt started, for the ones that have an attempt. One read for a
    /// whole claim.
    func firstAttemptStarts(of ids: [TaskID]) async throws -> [TaskID: Date]

    /// A task's completed steps, in the order they were recorded.
    func steps(of id: TaskID) async throws -> [StepRecord]

    /// A task's on-done runs, first to last.
    func callbackRuns(of id: TaskID) async throws -> [CallbackRun]

    /// Finished tasks whose on-done command has not run yet (the daemon stopped in between).
    func pendingCallbacks() async throws -> [TaskRecord]

    // MARK: Delays and retries

    /// Moves every `scheduled` task whose run time is at or before `now` to the queue, in one write, and
    /// returns the earliest run time of those still scheduled (nil when none is).
    func promoteDue(at now: Date) async throws -> Date?
    // MARK: Queues

    /// `claim` restricted to queues: up to each room's `limit` queued tasks of its queue, oldest first, in
    /// one transaction (one statement per room). The scheduler uses it while some queue limits its starts.
    func claim(from rooms: [QueueRoom], at now: Date) async throws -> [TaskRecord]

    /// The ids of the newest tasks that pass `filter`, newest first (`status --state/--queue/--label`).
    func recentTaskIDs(limit: Int, filter: TaskFilter) async throws -> [TaskID]
}

/// A storage failure, typed so the server can answer with a code: what went wrong, a message that says
/// what to do about it, and the error underneath (a SQLite error), if any. Two are equal when their code
/// and message are.
public struct TaskStoreError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        /// The database could not be used (full disk, read-only file, lock held from outside…).
        case storage = "storage"
        /// The daemon is stopping: the request was not carried out (nothing failed; ask again after the restart).
        case shuttingDown = "shutting_down"
    }

    public let code: Code
    public let message: String
    /// The error underneath, for the log.
    public let cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public static func notFound(_ id: TaskID) -> TaskStoreError {
        TaskStoreError(.notFound, "no task with id \(id)")
    }

    public static func == (lhs: TaskStoreError, rhs: TaskStoreError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message) (\(cause))"
    }
}

extension TaskStore {
    /// One `finish(_:outcome:at:)` after another (one transaction each).
    public func finish(
        claimedBatch: [(claimed: TaskRecord, outcome: TaskOutcome)], at now: Date
    ) async throws -> [TaskRecord?] {
        var finished: [TaskRecord?] = []
        for (claimed, outcome) in claimedBatch {
            do {
                finished.append(try await finish(claimed.id, outcome: outcome, at: now))
            } catch is TaskTransitionError {
                finished.append(nil)
            }
        }
        return finished
    }
}

extension TaskStore {
    public func recentTaskIDs(limit: Int) async throws -> [TaskID] {
        try await recentTasks(limit: limit).map(\.id)
    }
}

/// A submit named a dependency (`--after`) that does not exist: nothing was stored.
public struct UnknownDependencyError: Error, Equatable, CustomStringConvertible {
    /// The position of the first task that named one, in the submit.
    public let index: Int
    /// The ids that name no task or future.
    public let ids: [TaskID]

    public init(index: Int, ids: [TaskID]) {
        self.index = index
        self.ids = ids
    }

    public var description: String {
        let list = ids.map(\.description).joined(separator: ", ")
        return "--after \(list): no task or future with \(ids.count == 1 ? "that id" : "those ids"); a dependency must exist before the task that waits for it (check the ids with coroq status)"
    }
}
