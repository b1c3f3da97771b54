import CoroqCore
import CoroqProtocol
import Foundation

/// `status` and `get`: reads only.
struct StatusHandler: Sendable {
    let store: any TaskStore
    let startedAt: Date
    /// Adds each listed task's latest progress report.
    let progress: ProgressHandler
    /// The most tasks one `status` lists.
    var maximumLimit = 1000

    func status(_ params: StatusParams) async throws(RPCError) -> StatusResult {
        if let limit = params.limit, limit > maximumLimit {
            throw RPCError(.invalidParams,
                "'limit' is \(limit); at most \(maximumLimit) tasks are listed at once (each with excerpts of its arguments and result; coroq show ID has one task in full)",
                data: ["limit": .int(Int64(limit)), "maximum": .int(Int64(maximumLimit))])
        }
        let filter = try Self.filter(of: params)
        do {
            let counts = try await store.countsByState()
            let tasks: [TaskInfo]
            if let id = params.id {
                tasks = [try await get(GetParams(id: id))]
            } else {
                tasks = try await page(limit: max(0, params.limit ?? 50), filter: filter)
            }
            let allCounts = Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
            return StatusResult(
                counts: allCounts, tasks: await progress.adding(to: tasks),
                daemon: DaemonInfo(version: "coroqd \(coroqVersion)", startedAt: startedAt.timeIntervalSince1970))
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// The newest `limit` tasks as summaries, read 16 at a time: a page of tasks with large arguments and
    /// results is never in memory whole, only its excerpts.
    private func page(limit: Int, filter: TaskFilter) async throws -> [TaskInfo] {
        let ids = filter.isEmpty
            ? try await store.recentTaskIDs(limit: limit) : try await store.recentTaskIDs(limit: limit, filter: filter)
        var tasks: [TaskInfo] = []
        tasks.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 16, ids.count)])
            // `tasks(_:)` answers in id order; the page is newest first. A task deleted meanwhile is left out.
            let childIDs = try await store.childIDs(of: chunk)
            tasks += try await store.tasks(chunk).sorted { $0.id > $1.id }.map { record in
                var task = TaskInfo(summarizing: record)
                task.children = childIDs[record.id]?.map(\.rawValue)
                return task
            }
            start += 16
        }
        return tasks
    }

    /// The list's filter (`state`, `queue`, `label`, `job`), the state checked.
    static func filter(of params: StatusParams) throws(RPCError) -> TaskFilter {
        var state: TaskState?
        if let word = params.state {
            guard let known = TaskState(rawValue: word) else {
                throw RPCError(.invalidParams,
                    "'state' is '\(word)'; expected one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))",
                    data: ["state": .string(word)])
            }
            state = known
        }
        return TaskFilter(state: state, queue: params.queue, label: params.label, job: params.job)
    }

    func get(_ params: GetParams) async throws(RPCError) -> TaskInfo {
        let record: TaskRecord?
        do {
            record = try await store.task(TaskID(params.id))
        } catch {
            throw RPCError(storeFailure: error)
        }
        guard let record else { throw RPCError(.taskNotFound, "no task with id \(params.id)") }
        var task = TaskInfo(record)
        do {
            task.children = try await store.childIDs(of: [record.id])[record.id]?.map(\.rawValue)
        } catch {
            throw RPCError(storeFailure: error)
        }
        return await progress.adding(to: [task])[0]
    }
}
