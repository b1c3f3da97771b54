import CoroqJSON

/// A child task started by `JobContext.spawn`: its id, and its result once it has one.
public struct ChildHandle<Output: Decodable & Sendable>: Sendable {
    /// The child's task id (`coroq show` prints it under its parent).
    public let id: TaskID
    let context: JobContext

    /// The child's result, once it has finished; throws `TaskError` `child_failed` (with the child's id and
    /// error in its details) when it failed or was cancelled. The wait holds no slot of the concurrency
    /// limit (`JobContext.waiting`).
    public func result() async throws -> Output {
        let tasks = try context.watching()
        let child = try await context.waiting { try await tasks.finished(id) }
        return try Self.output(of: child)
    }

    static func output(of child: TaskRecord) throws -> Output {
        guard child.state == .succeeded else { throw TaskError.childFailed(child) }
        return try (child.result ?? .null).decode(as: Output.self)
    }
}

extension JobContext {
    /// Starts a child task of `job` — asyncio's `create_task` for a sub-coroutine, with a parent link.
    ///
    /// ```swift
    /// var invoices: [ChildHandle<SendInvoice.Output>] = []
    /// for customer in arguments.customers {
    ///     invoices.append(try await context.spawn(SendInvoice(), .init(customer: customer, cents: 100)))
    /// }
    /// let sent = try await context.gather(invoices)
    /// ```
    /// - Important: spawning is idempotent across attempts: each spawn is stored under its `name`, or its
    ///   number among this attempt's spawns (`#1`, `#2`…), so a parent re-run after a crash gets the same
    ///   children back instead of new ones. Spawn in a fixed order (not from concurrent tasks), or name
    ///   each child. The parent's own outcome is recorded only after all its children finished; a parent
    ///   that fails or is cancelled cancels its unfinished children first.
    public func spawn<Job: JobDefinition>(
        _ job: Job, _ arguments: Job.Arguments, name: String? = nil
    ) async throws -> ChildHandle<Job.Output> where Job.Arguments: Encodable, Job.Output: Decodable {
        try await spawnChild(job: job.name, arguments: JSONValue(encoding: arguments), name: name)
    }

    /// Starts a child task of the job registered as `job`, with JSON arguments (the untyped `spawn`).
    public func spawn(job: String, arguments: JSONValue = .emptyObject, name: String? = nil) async throws -> ChildHandle<JSONValue> {
        try await spawnChild(job: job, arguments: arguments, name: name)
    }

    /// The results of all `handles`, in their order, once every child has finished — asyncio's `gather`.
    ///
    /// - Important: the first child to fail (in the order they finish) is thrown as `TaskError`
    ///   `child_failed`; the other children are not cancelled (asyncio's `gather`, not a `TaskGroup`) and
    ///   keep running: the parent's outcome still waits for them. Catch the error to go on, or let it fail
    ///   the parent, which then cancels the children still running.
    public func gather<Output>(_ handles: [ChildHandle<Output>]) async throws -> [Output] {
        let tasks = try watching()
        let ids = handles.map(\.id)
        let children = try await waiting {
            try await withThrowingTaskGroup(of: (Int, TaskRecord).self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask { (index, try await tasks.finished(id)) }
                }
                var finished = [TaskRecord?](repeating: nil, count: ids.count)
                for try await (index, child) in group {
                    if child.state != .succeeded { throw TaskError.childFailed(child) }
                    finished[index] = child
                }
                return finished.compactMap { $0 }
            }
        }
        return try children.map(ChildHandle<Output>.output(of:))
    }

    private func spawnChild<Output>(job: String, arguments: JSONValue, name: String?) async throws -> ChildHandle<Output> {
        guard let children else {
            throw TaskError(code: "no_daemon", message: "this job runs outside a coroq daemon: it cannot spawn child tasks")
        }
        let child = try await children.spawn(parent: taskID, attempt: attempt, name: name, job: job, arguments: arguments)
        logger.debug("child spawned", metadata: ["child": "\(child.id)", "job": "\(job)"])
        return ChildHandle(id: child.id, context: self)
    }

    /// The daemon's view of other tasks, or the error of a job run outside one.
    func watching() throws -> any TaskWatching {
        guard let tasks else {
            throw TaskError(code: "no_daemon", message: "this job runs outside a coroq daemon: it cannot await other tasks")
        }
        return tasks
    }
}
