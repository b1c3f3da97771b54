import Foundation

/// One task of a submit with keys or follow-ups (`TaskStore.submitGuarded`): the task stored, and whether
/// it was there already (returned for its idempotency key) rather than created.
public struct SubmittedTask: Sendable, Equatable {
    public var record: TaskRecord
    /// True when an existing task with the same key (and job and arguments) was returned.
    public var existing: Bool

    public init(record: TaskRecord, existing: Bool) {
        self.record = record
        self.existing = existing
    }
}

/// A submit's idempotency key (`--key`) is held by a task with another job or other arguments: nothing was
/// stored.
public struct KeyConflictError: Error, Equatable, CustomStringConvertible {
    /// The position of the task that gave the key, in the submit.
    public let index: Int
    public let key: String
    /// The task that holds the key; nil when it is an earlier task of the same submit.
    public let existing: TaskID?
    /// The position of that earlier task in the submit, when `existing` is nil.
    public let earlierIndex: Int?

    public init(index: Int, key: String, existing: TaskID?, earlierIndex: Int? = nil) {
        self.index = index
        self.key = key
        self.existing = existing
        self.earlierIndex = earlierIndex
    }

    public var description: String {
        let holder = existing.map { "task \($0)" } ?? "the submit's task at index \(earlierIndex ?? 0) (0 is the first)"
        return "--key \(key): \(holder) was submitted with that key and another job or other arguments; a key names one task (it is free again once that task is deleted by retention or coroq clean)"
    }
}

extension TaskStore {
    /// A store without keys or follow-ups of its own submits them as plain tasks, all new.
    public func submitGuarded(_ tasks: [NewTask], at now: Date) async throws -> [SubmittedTask] {
        try await submit(tasks, at: now).map { SubmittedTask(record: $0, existing: false) }
    }
}

/// A task's place in `--then` chains, for `show`.
public struct TaskChain: Sendable, Equatable {
    /// Its follow-ups, oldest first.
    public var then: [TaskID]
    /// For a follow-up: the task it follows, and `success` or `always`.
    public var follows: (task: TaskID, on: String)?

    public init(then: [TaskID] = [], follows: (task: TaskID, on: String)? = nil) {
        self.then = then
        self.follows = follows
    }

    public static func == (lhs: TaskChain, rhs: TaskChain) -> Bool {
        lhs.then == rhs.then && lhs.follows?.task == rhs.follows?.task && lhs.follows?.on == rhs.follows?.on
    }
}

extension TaskStore {
    /// A store without follow-ups knows no chains.
    public func chain(of id: TaskID) async throws -> TaskChain { TaskChain() }
}
