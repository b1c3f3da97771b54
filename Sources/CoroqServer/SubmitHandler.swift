import CoroqCore
import CoroqRuntime
import CoroqJSON
import CoroqProtocol
import Foundation

/// `submit`: validates every task against the registry, stores them all in one transaction, wakes the
/// scheduler. Nothing is stored when any task is refused; the answer is sent after the commit.
struct SubmitHandler: Sendable {
    let store: any TaskStore
    let registry: JobRegistry
    let scheduler: Scheduler
    /// The largest task: its arguments as JSON text, in bytes (`max_task_bytes`).
    var maximumTaskBytes = 1 << 20
    /// The known queues: a task's queue must be one (nil: only `default`).
    var queues: QueueBoard?

    func submit(_ params: SubmitParams) async throws(RPCError) -> SubmitResult {
        guard !params.tasks.isEmpty else { throw RPCError(.invalidParams, "\"tasks\" is empty") }
        if params.tasks.contains(where: \.isGuarded) { return try await submitGuarded(params) }
        var newTasks: [NewTask] = []
        newTasks.reserveCapacity(params.tasks.count)
        let now = Date()
        for (index, spec) in params.tasks.enumerated() {
            newTasks.append(try newTask(spec, index: index, at: now))
        }
        let records: [TaskRecord]
        do {
            records = try await store.submit(newTasks, at: now)
        } catch {
            throw RPCError(storeFailure: error)
        }
        scheduler.wake()
        if let earliest = records.lazy.filter({ $0.state == .scheduled }).compactMap(\.runAt).min() {
            scheduler.scheduled(at: earliest)
        }
        // Dependents whose dependencies had finished already were settled by the submit itself.
        await scheduler.settleDependents()
        return SubmitResult(ids: records.map(\.id.rawValue))
    }

    /// The task `spec` asks for, checked against the registry and the size limit (a submit's, and each
    /// firing of a schedule's).
    func newTask(_ spec: TaskSpec, index: Int = 0, at now: Date = Date()) throws(RPCError) -> NewTask {
        let arguments = spec.args ?? .emptyObject
        try checkSize(of: arguments, index: index)
        let defaults: JobDefaults
        do {
            defaults = try registry.validated(job: spec.job, arguments: arguments)
        } catch {
            throw RPCError(error, index: index)
        }
        let repeatable = defaults.isRepeatSafe && spec.noRepeat != true
        let timing = try timing(of: spec, defaults: defaults, index: index, at: now)
        return NewTask(
            job: spec.job, arguments: arguments, onDone: spec.onDone, repeatable: repeatable,
            after: try dependencies(of: spec, index: index), runAt: timing.runAt, priority: timing.priority,
            retryPolicy: timing.retryPolicy, queue: try queue(of: spec, defaults: defaults, index: index),
            label: try label(of: spec, index: index), timeout: try timeout(of: spec, defaults: defaults, index: index),
            key: try key(of: spec, index: index), onSuccess: spec.onSuccess, onFailure: spec.onFailure)
    }

    /// The task's queue: `default`, or a known one.
    private func queue(of spec: TaskSpec, defaults: JobDefaults, index: Int) throws(RPCError) -> String {
        guard let name = spec.queue ?? defaults.queue, name != QueueName.defaultQueue else {
            return QueueName.defaultQueue
        }
        guard QueueName.isValid(name) else {
            throw RPCError(.invalidQueue, "task \(index): queue '\(name)': \(QueueName.expected)",
                           data: ["index": .int(Int64(index)), "queue": .string(name)])
        }
        guard let queues, queues.knows(name) else {
            var error = QueueHandler.unknown(name, known: queues?.all.map(\.name) ?? [QueueName.defaultQueue])
            error.message = "task \(index): " + error.message
            throw error
        }
        return name
    }

    /// The task's label: one line of at most 200 bytes.
    private func label(of spec: TaskSpec, index: Int) throws(RPCError) -> String? {
        guard let label = spec.label else { return nil }
        guard !label.isEmpty, label.utf8.count <= 200, !label.contains(where: \.isNewline) else {
            throw RPCError(.invalidParams, "task \(index): label '\(label.prefix(40))': expected 1 to 200 bytes on one line",
                           data: ["index": .int(Int64(index))])
        }
        return label
    }

    /// The task's `after` and `after_policy`, checked (the store checks that the ids exist).
    private func dependencies(of spec: TaskSpec, index: Int) throws(RPCError) -> TaskDependencies? {
        guard let after = spec.after else {
            if spec.afterPolicy != nil {
                throw RPCError(.invalidParams, "task \(index): \"after_policy\" without \"after\"; give the ids it waits for",
                               data: ["index": .int(Int64(index))])
            }
            return nil
        }
        guard !after.isEmpty else {
            throw RPCError(.invalidParams, "task \(index): \"after\" is empty; give the ids of the tasks or futures it waits for",
                           data: ["index": .int(Int64(index))])
        }
        let word = spec.afterPolicy ?? AfterPolicy.succeeded.rawValue
        guard let policy = AfterPolicy(rawValue: word) else {
            throw RPCError(.invalidParams,
                "task \(index): after_policy '\(word)' is not one of \(AfterPolicy.allCases.map(\.rawValue).joined(separator: ", "))",
                data: ["index": .int(Int64(index))])
        }
        return TaskDependencies(ids: after.map(TaskID.init(rawValue:)), policy: policy)
    }

    /// Refuses arguments over `maximumTaskBytes`: every later read of the task (a `status`, a `wait`, the
    /// job itself) would carry them.
    private func checkSize(of arguments: JSONValue, index: Int) throws(RPCError) {
        guard let size = arguments.textSize(over: maximumTaskBytes, slack: 8)?.size else { return }
        throw RPCError(.taskTooLarge,
            "task \(index)'s arguments are \(size) bytes of JSON; the most this coroqd takes is \(maximumTaskBytes) (max_task_bytes). Put large data in a file and pass its path",
            data: ["index": .int(Int64(index)), "bytes": .int(Int64(size)), "limit": .int(Int64(maximumTaskBytes))])
    }
}
