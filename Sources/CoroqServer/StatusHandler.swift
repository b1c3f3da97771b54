import CoroqCore
import CoroqProtocol
import Foundation

/// `status` and `get`: reads only.
struct StatusHandler: Sendable {
    let store: any TaskStore
    let startedAt: Date

    func status(_ params: StatusParams) async throws(RPCError) -> StatusResult {
        do {
            let counts = try await store.countsByState()
            let tasks: [TaskInfo]
            if let id = params.id {
                tasks = [try await get(GetParams(id: id))]
            } else {
                tasks = try await store.recentTasks(limit: max(0, params.limit ?? 50)).map(TaskInfo.init)
            }
            let allCounts = Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
            return StatusResult(
                counts: allCounts, tasks: tasks,
                daemon: DaemonInfo(version: "coroqd \(coroqVersion)", startedAt: startedAt.timeIntervalSince1970))
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func get(_ params: GetParams) async throws(RPCError) -> TaskInfo {
        let record: TaskRecord?
        do {
            record = try await store.task(TaskID(params.id))
        } catch {
            throw RPCError(storeFailure: error)
        }
        guard let record else { throw RPCError(.taskNotFound, "no task with id \(params.id)") }
        return TaskInfo(record)
    }
}
