import CoroqCore
import CoroqProtocol
import Foundation
import Logging

/// `step.get` and `step.record`: a shell script's checkpointed steps (`coroq step NAME -- CMD…`), for the
/// task the script runs in. Only a running task has steps read or written this way.
struct StepHandler: Sendable {
    let store: any TaskStore
    let logger: Logger

    func get(_ params: StepParams) async throws(RPCError) -> StepResult {
        do {
            let task = try await runningTask(params.task, name: params.name)
            return StepResult(step: try await store.step(task.id, name: params.name).map(StepInfo.init))
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Returns the stored step: this one, or the one recorded first under its name.
    func record(_ params: StepRecordParams) async throws(RPCError) -> StepResult {
        do {
            let task = try await runningTask(params.task, name: params.name)
            let step = StepRecord(
                taskID: task.id, name: params.name, kind: StepRecord.exitStatusKind, result: .int(Int64(params.exitStatus)),
                attempt: params.attempt ?? task.attempts, startedAt: Date(timeIntervalSince1970: params.startedAt),
                finishedAt: Date(timeIntervalSince1970: params.finishedAt))
            let stored = try await store.recordStep(step)
            logger.debug("step recorded", metadata: [
                "task": "\(task.id)", "step": "\(params.name)", "exit_status": "\(params.exitStatus)",
            ])
            return StepResult(step: StepInfo(stored))
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// The task, refused unless it exists and runs, and the name is usable.
    private func runningTask(_ id: Int64, name: String) async throws -> TaskRecord {
        guard !name.isEmpty else { throw RPCError(.invalidParams, "a step needs a name") }
        guard let task = try await store.task(TaskID(id)) else { throw TaskStoreError.notFound(TaskID(id)) }
        guard task.state == .running else {
            throw RPCError(.wrongState,
                "task \(id) is \(task.state.rawValue): steps are run and recorded only while their task runs",
                data: ["state": .string(task.state.rawValue)])
        }
        return task
    }
}
