import CoroqCore
import CoroqJSON
import CoroqProtocol
import Logging

/// `wait`: pushes `task.finished` for each awaited task as its future completes (at once for the ones
/// already done), then answers with done and pending — asyncio.wait, never polled.
struct WaitHandler: Sendable {
    let store: any TaskStore
    let waiters: WaiterRegistry
    let logger: Logger

    func wait(_ params: WaitParams, replier: Replier) async throws(RPCError) -> WaitResult {
        if let timeout = params.timeout, !Seconds.isValid(timeout) {
            throw RPCError(.invalidParams, "'timeout' must be a number of seconds from 0 to \(Int(Seconds.maximum))")
        }
        let ids = try await targets(params)
        let (token, stream) = waiters.register(ids)
        logger.debug("wait registered", metadata: ["tasks": "\(ids.count)", "timeout": "\(params.timeout.map { "\($0)" } ?? "none")"])
        let outcome: Result<WaitResult, RPCError>
        do {
            let reportAll = (params.report ?? .each) == .each
            outcome = .success(try await collect(
                ids, timeout: params.timeout, token: token, stream: stream, replier: replier, reportAll: reportAll))
        } catch {
            outcome = .failure(error)
        }
        waiters.unregister(token)
        return try outcome.get()
    }

    private func collect(
        _ ids: [TaskID], timeout: Double?, token: WaiterRegistry.Token, stream: AsyncStream<TaskRecord>,
        replier: Replier, reportAll: Bool
    ) async throws(RPCError) -> WaitResult {
        let records: [TaskRecord]
        do {
            records = try await store.tasks(ids)
        } catch {
            throw RPCError(storeFailure: error)
        }
        let unknown = Set(ids).subtracting(records.map(\.id)).sorted()
        guard unknown.isEmpty else {
            let list = unknown.map(\.description).joined(separator: ", ")
            throw RPCError(.taskNotFound, "no task with id \(list)", data: ["ids": .array(unknown.map { .int($0.rawValue) })])
        }
        await replier.send(RPCNotification(method: waitAcceptedNotification, params: WaitAcceptedParams(ids: ids.map(\.rawValue))))
        var pending = Set(records.filter { !$0.state.isFinal }.map(\.id))
        var done: [Int64] = []
        for record in records where record.state.isFinal {
            done.append(record.id.rawValue)
            if reportAll || record.state != .succeeded { await push(record, replier) }
        }
        guard !pending.isEmpty else { return WaitResult(done: done, pending: [], timedOut: false) }
        await withTaskGroup(of: Void.self) { group in
            if let timeout {
                group.addTask {
                    do {
                        try await Task.sleep(for: Seconds.duration(timeout))
                        waiters.unregister(token)  // ends the stream below
                    } catch {}
                }
            }
            for await record in stream where pending.remove(record.id) != nil {
                done.append(record.id.rawValue)
                if reportAll || record.state != .succeeded { await push(record, replier) }
                if pending.isEmpty { break }
            }
            group.cancelAll()
        }
        if !pending.isEmpty && (waiters.isShuttingDown || Task.isCancelled) {
            throw RPCError(.shuttingDown, "coroqd is shutting down; the tasks still pending go on after it restarts")
        }
        return WaitResult(done: done, pending: pending.map(\.rawValue).sorted(), timedOut: !pending.isEmpty)
    }

    private func push(_ record: TaskRecord, _ replier: Replier) async {
        await replier.send(RPCNotification(method: taskFinishedNotification, params: TaskFinishedParams(task: TaskInfo(record))))
    }

    /// The given ids, or every unfinished task for `all`.
    private func targets(_ params: WaitParams) async throws(RPCError) -> [TaskID] {
        if params.all == true {
            do {
                return try await store.unfinishedTaskIDs()
            } catch {
                throw RPCError(storeFailure: error)
            }
        }
        guard let ids = params.ids, !ids.isEmpty else {
            throw RPCError(.invalidParams, "give task \"ids\" to wait for, or \"all\": true")
        }
        return Array(Set(ids.map(TaskID.init(rawValue:)))).sorted()
    }
}
