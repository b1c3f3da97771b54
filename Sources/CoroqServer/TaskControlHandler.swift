import CoroqCore
import CoroqRuntime
import CoroqProtocol
import Foundation

/// `show`, `cancel` and `retry`: one task's history, and a person's decisions about it.
struct TaskControlHandler: Sendable {
    let store: any TaskStore
    let registry: JobRegistry
    let scheduler: Scheduler
    let children: ChildrenHandler
    /// Adds the task's latest progress report to `show`.
    let progress: ProgressHandler
    /// Which schedule submitted a task, for `show`.
    let schedules: any ScheduleStore

    func show(_ params: TaskParams) async throws(RPCError) -> TaskDetail {
        let id = TaskID(params.id)
        do {
            guard let record = try await store.task(id) else { throw RPCError(.taskNotFound, "no task with id \(id)") }
            let after = record.state == .blocked ? try await store.dependencies(of: id).map(\.rawValue) : []
            let tree = try await children.tree(of: id)
            var task = TaskInfo(record)
            task.children = tree.isEmpty ? nil : tree.map(\.id)
            var detail = TaskDetail(
                task: await progress.adding(to: [task])[0],
                attempts: try await store.attempts(of: id).map(AttemptInfo.init),
                callbacks: try await store.callbackRuns(of: id).map(CallbackRunInfo.init),
                steps: try await store.steps(of: id).map(StepInfo.init), after: after.isEmpty ? nil : after, tree: tree.isEmpty ? nil : tree)
            detail.schedule = try await schedules.firing(of: id).map {
                ScheduleFiringInfo(name: $0.schedule, slot: $0.slot.timeIntervalSince1970)
            }
            let chain = try await store.chain(of: id)
            detail.then = chain.then.isEmpty ? nil : chain.then.map(\.rawValue)
            detail.follows = chain.follows.map { FollowsInfo(task: $0.task.rawValue, on: $0.on) }
            return detail
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Returns once the cancelled outcome is recorded (a running `exec` is killed first), for the task and
    /// each of its unfinished descendants.
    func cancel(_ params: CancelParams) async throws(RPCError) -> TaskInfo {
        let reason = params.reason.flatMap { $0.isEmpty ? nil : $0 } ?? "cancelled by request"
        do {
            return TaskInfo(try await scheduler.cancel(TaskID(params.id), reason: reason))
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Refused while the process of the cut-off attempt still runs: a retry must not overlap it.
    func retry(_ params: TaskParams) async throws(RPCError) -> TaskInfo {
        do {
            if let task = try await store.task(TaskID(params.id)), task.job == StandaloneFuture.job {
                throw RPCError(.notRetryable,
                    "task \(params.id) is a future: it never runs, so it cannot be retried; resolve a pending one with coroq future resolve, or create a new one")
            }
            if let task = try await store.task(TaskID(params.id)), task.state == .interrupted,
               let pid = await registry.orphanedProcessGroup(of: task, checkpoints: store) {
                throw RPCError(.wrongState,
                    "the process of its cut-off attempt still runs (process group \(pid)); wait for it to end, or kill it, then retry",
                    data: ["process_group": .int(Int64(pid))])
            }
            let record = try await store.retry(TaskID(params.id), at: Date())
            scheduler.wake()
            return TaskInfo(record)
        } catch {
            throw RPCError(storeFailure: error)
        }
    }
}
