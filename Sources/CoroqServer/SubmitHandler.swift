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

    func submit(_ params: SubmitParams) async throws(RPCError) -> SubmitResult {
        guard !params.tasks.isEmpty else { throw RPCError(.invalidParams, "\"tasks\" is empty") }
        if params.tasks.contains(where: \.isGuarded) { return try await submitGuarded(params) }
        var newTasks: [NewTask] = []
        newTasks.reserveCapacity(params.tasks.count)
        for (index, spec) in params.tasks.enumerated() {
            newTasks.append(try newTask(spec, index: index))
        }
        let records: [TaskRecord]
        do {
            records = try await store.submit(newTasks, at: Date())
        } catch {
            throw RPCError(storeFailure: error)
        }
        scheduler.wake()
        // Dependents whose dependencies had finished already were settled by the submit itself.
        await scheduler.settleDependents()
        return SubmitResult(ids: records.map(\.id.rawValue))
    }

    /// The task `spec` asks for, checked against the registry and the size limit (a submit's, and each
    /// firing of a schedule's).
    func newTask(_ spec: TaskSpec, index: Int = 0) throws(RPCError) -> NewTask {
        let arguments = spec.args ?? .emptyObject
        try checkSize(of: arguments, index: index)
        do {
            try registry.validate(job: spec.job, arguments: arguments)
        } catch {
            throw RPCError(error, index: index)
        }
        let repeatable = registry.isRepeatSafe(job: spec.job) && spec.noRepeat != true
        return NewTask(
            job: spec.job, arguments: arguments, onDone: spec.onDone, repeatable: repeatable,
            after: try dependencies(of: spec, index: index), timeout: try timeout(of: spec, index: index),
            key: try key(of: spec, index: index), onSuccess: spec.onSuccess, onFailure: spec.onFailure)
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
