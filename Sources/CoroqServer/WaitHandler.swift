import CoroqCore
import CoroqJSON
import CoroqProtocol
import Logging

/// `wait`: pushes `task.finished` for each awaited task as its future completes (at once for the ones
/// already done), then answers with done and pending — asyncio.wait, never polled. With `any`, it answers
/// as soon as one is done (FIRST_COMPLETED); otherwise when all are (ALL_COMPLETED) or at the timeout.
struct WaitHandler: Sendable {
    let store: any TaskStore
    let waiters: WaiterRegistry
    /// Progress reports of awaited tasks, pushed as `task.progress` when the client asks.
    let progress: ProgressBoard
    let logger: Logger

    func wait(_ params: WaitParams, replier: Replier) async throws(RPCError) -> WaitResult {
        if let timeout = params.timeout, !Seconds.isValid(timeout) {
            throw RPCError(.invalidParams, "'timeout' must be a number of seconds from 0 to \(Int(Seconds.maximum))")
        }
        let ids = try await targets(params)
        let (token, inbox) = waiters.register(ids)
        logger.debug("wait registered", metadata: ["tasks": "\(ids.count)", "timeout": "\(params.timeout.map { "\($0)" } ?? "none")"])
        let outcome: Result<WaitResult, RPCError>
        do {
            let reportAll = (params.report ?? .each) == .each
            outcome = .success(try await collect(
                ids, timeout: params.timeout, token: token, inbox: inbox, replier: replier, reportAll: reportAll,
                firstCompleted: params.any == true, pushProgress: params.progress == true))
        } catch {
            outcome = .failure(error)
        }
        waiters.unregister(token)
        return try outcome.get()
    }

    private func collect(
        _ ids: [TaskID], timeout: Double?, token: WaiterRegistry.Token, inbox: FinishedTaskInbox,
        replier: Replier, reportAll: Bool, firstCompleted: Bool, pushProgress: Bool
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
        // Progress is watched from before `wait.accepted`: a client that acts on it misses no report.
        let watch = pushProgress ? self.progress.watch(Set(ids)) : nil
        defer { if let watch { self.progress.unwatch(watch.token) } }
        await replier.send(RPCNotification(method: waitAcceptedNotification, params: WaitAcceptedParams(ids: ids.map(\.rawValue))))
        // Every task is pending until recorded; the finished ones are at once. A task that finished between
        // the registration and the read is also delivered by the registry: it is no longer pending then.
        var progress = AwaitedTasks(pending: Set(ids), reportAll: reportAll)
        await progress.record(records.filter(\.state.isFinal), replier)
        func satisfied() -> Bool { progress.pending.isEmpty || (firstCompleted && !progress.done.isEmpty) }
        guard !satisfied() else { return progress.result(timedOut: false) }
        await withTaskGroup(of: Void.self) { group in
            if let watch {
                group.addTask {
                    for await update in watch.updates {
                        await replier.send(RPCNotification(method: taskProgressNotification, params: TaskProgressParams(
                            id: update.task.rawValue, progress: ProgressInfo(update.progress))))
                    }
                }
            }
            if let timeout {
                group.addTask {
                    do {
                        try await Task.sleep(for: Seconds.duration(timeout))
                        waiters.unregister(token)  // closes the inbox below
                    } catch {}
                }
            }
            // Each batch is every task that finished since the last one: one write for all of them.
            for await batch in inbox {
                await progress.record(batch, replier)
                if satisfied() { break }
            }
            group.cancelAll()
        }
        if !satisfied() && (waiters.isShuttingDown || Task.isCancelled) {
            throw RPCError(.shuttingDown, "coroqd is stopping; the tasks still pending go on after it restarts")
        }
        return progress.result(timedOut: !satisfied())
    }

    /// What one `wait` has seen so far, and the pushing of `task.finished` frames in batches.
    private struct AwaitedTasks {
        var pending: Set<TaskID>
        let reportAll: Bool
        var done: [Int64] = []

        /// Notes the tasks of `records` still awaited, and pushes their `task.finished` frames in one write
        /// per megabyte or so.
        mutating func record(_ records: [TaskRecord], _ replier: Replier) async {
            var frames = JSONOutput(capacity: min(records.count, 4096) * 256)
            for record in records where pending.remove(record.id) != nil {
                done.append(record.id.rawValue)
                guard reportAll || record.state != .succeeded else { continue }
                TaskFinishedFrame.append(TaskInfo(summarizing: record), to: &frames)
                if frames.bytes.count >= 1 << 20 {
                    await replier.send(frames: frames.bytes)
                    frames = JSONOutput(capacity: 1 << 20)
                }
            }
            if !frames.bytes.isEmpty { await replier.send(frames: frames.bytes) }
        }

        func result(timedOut: Bool) -> WaitResult {
            WaitResult(done: done, pending: pending.map(\.rawValue).sorted(), timedOut: timedOut)
        }
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
