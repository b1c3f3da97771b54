import CoroqJSON

/// How a running job starts child tasks (`JobContext.spawn`, `coroq spawn`). The scheduler provides it;
/// without one (a job run outside a daemon), spawning is refused.
public protocol ChildSpawning: Sendable {
    /// Starts (or, on a later attempt of the parent, finds again) the child of `parent` spawned as its
    /// `name`d spawn, or as its next one in this attempt when `name` is nil. Throws `TaskError`:
    /// `unknown_job`, `invalid_arguments`, `parent_not_running`, `spawn_mismatch`.
    func spawn(parent: TaskID, attempt: Int, name: String?, job: String, arguments: JSONValue) async throws -> TaskRecord
}

/// What `TaskStore.spawn` did: the child, and whether it is new (false: an earlier attempt of the parent
/// spawned it under the same key).
public struct SpawnedChild: Sendable, Equatable {
    public var child: TaskRecord
    public var created: Bool

    public init(child: TaskRecord, created: Bool) {
        self.child = child
        self.created = created
    }
}

/// A cancel recorded durably (`TaskStore.requestCancel`), for a task or one of its descendants, with the
/// reason its outcome will carry.
public struct CancelRequest: Sendable, Equatable {
    public var id: TaskID
    public var reason: String

    public init(id: TaskID, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// The key a spawn is stored under: its name, or its place in the attempt's spawns (`#1`, `#2`…). A re-run
/// parent that spawns in the same order (or by the same names) gets the same children back.
public enum SpawnKey {
    public static func sequence(_ number: Int) -> String { "#\(number)" }

    /// A name is the key itself; `#` is kept for the numbered keys.
    public static func named(_ name: String) throws(TaskError) -> String {
        guard !name.isEmpty, !name.hasPrefix("#") else {
            throw TaskError(code: "invalid_arguments",
                            message: "a child's name must not be empty nor start with '#' (numbered spawns use those): '\(name)'")
        }
        return name
    }

    /// The reason a cancel of `parent` gives its descendants.
    public static func cancelReason(parent: TaskID, reason: String) -> String {
        "parent \(parent) cancelled: \(reason)"
    }
}

extension TaskError {
    /// A child task that did not succeed, as its parent sees it (`ChildHandle.result()`, `gather`).
    public static func childFailed(_ child: TaskRecord) -> TaskError {
        let error = child.error ?? TaskError(code: child.state.rawValue, message: child.state.rawValue)
        return TaskError(
            code: "child_failed",
            message: "child task \(child.id) (\(child.job)) \(child.state.rawValue): \(error.message)",
            details: [
                "child": .int(child.id.rawValue), "state": .string(child.state.rawValue),
                "error": ["code": .string(error.code), "message": .string(error.message), "details": error.details ?? .null],
            ])
    }

    /// A spawn from a task that is not running (finished, or with a cancel requested).
    public static func parentNotRunning(_ parent: TaskID, state: TaskState, cancelling: Bool) -> TaskError {
        let why = cancelling && state == .running ? "is being cancelled" : "is \(state.rawValue)"
        return TaskError(
            code: "parent_not_running",
            message: "task \(parent) \(why): only a running task spawns children",
            details: ["state": .string(state.rawValue)])
    }

    /// A re-run parent's spawn under a key that holds another job or other arguments.
    public static func spawnMismatch(_ existing: TaskRecord, key: String, job: String) -> TaskError {
        TaskError(
            code: "spawn_mismatch",
            message: "spawn \(key) of task \(existing.parentID.map { "\($0)" } ?? "?") is already child task \(existing.id) "
                + "(\(existing.job) with other arguments than this \(job)): a re-run must spawn the same children in the same order, or name them",
            details: ["child": .int(existing.id.rawValue), "key": .string(key)])
    }
}
