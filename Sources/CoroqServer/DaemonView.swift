import CoroqCore
import CoroqJobs
import CoroqJSON
import CoroqProtocol
import CoroqStore
import Foundation

/// What the daemon shows and lets do to a part running in the same process (the HTTP dashboard of
/// CoroqDashboard): the same handlers and reads the control socket's methods use, so a page and the CLI
/// see and refuse the same things. Built once the daemon's parts exist and handed to
/// `DaemonConfiguration.extraServices`.
public struct DaemonView: Sendable {
    let store: SQLiteTaskStore
    let status: StatusHandler
    let control: TaskControlHandler
    let messages: MessageHandler
    let futures: FutureHandler
    let schedules: ScheduleHandler
    let progress: ProgressHandler
    let waiters: WaiterRegistry
    let hub: OutputHub
    let connections: ConnectionTable
    let queues: QueueHandler
    /// The control socket: where the dashboard's token file goes (beside it).
    public let socketPath: String
    public let logDirectory: String
    /// The global limit of tasks running at once (at start; a reload may change it).
    public let concurrencyLimit: Int
    public let startedAt: Date

    /// Raised after every committed write: re-read what a page shows.
    public var changes: ChangeSignal { store.changes }

    /// Open control connections.
    public var openConnections: Int { connections.count }

    /// Every known queue with its settings and its tasks that are not finished (queued, running, scheduled,
    /// blocked) counted per state: read through the state index, so it costs what is live, not what is kept.
    public func queueSummaries() async throws(RPCError) -> [QueueInfo] {
        do {
            let counts = try await store.liveQueueCounts()
            return queues.board.all.map { QueueInfo($0, counts: counts[$0.name] ?? [:]) }
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Pauses or resumes a queue (`coroq queue pause|resume`).
    public func setQueuePaused(_ name: String, paused: Bool) async throws(RPCError) -> QueueInfo {
        try await queues.setPaused(QueueNameParams(name: name), paused)
    }

    /// How many tasks are in each state (every state named, zeros included).
    public func counts() async throws(RPCError) -> [String: Int] {
        try await status.status(StatusParams(limit: 0)).counts
    }

    /// A page of the task list as summaries (excerpts of arguments and results), newest first, and the
    /// lowest id the page looked at when it stopped early (`TaskPageQuery`).
    public func tasks(_ query: TaskPageQuery) async throws(RPCError) -> (tasks: [TaskInfo], floor: Int64?) {
        do {
            let (ids, floor) = try await store.taskPage(query)
            return (try await summaries(ids), floor)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// The running tasks, newest first (at most `limit`), with their latest progress.
    public func running(limit: Int = 100) async throws(RPCError) -> [TaskInfo] {
        do {
            return try await summaries(try await store.runningTaskIDs(limit: limit))
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    private func summaries(_ ids: [TaskID]) async throws -> [TaskInfo] {
        let childIDs = try await store.childIDs(of: ids)
        let tasks = try await store.tasks(ids).sorted { $0.id > $1.id }.map { record in
            var task = TaskInfo(summarizing: record)
            task.children = childIDs[record.id]?.map(\.rawValue)
            return task
        }
        return await progress.adding(to: tasks)
    }

    /// One task in full: `coroq show`.
    public func show(_ id: Int64) async throws(RPCError) -> TaskDetail {
        try await control.show(TaskParams(id: id))
    }

    /// `coroq cancel`: returns once the cancelled outcome is recorded (a running `exec` is killed first).
    public func cancel(_ id: Int64, reason: String) async throws(RPCError) -> TaskInfo {
        try await control.cancel(CancelParams(id: id, reason: reason))
    }

    /// `coroq retry`.
    public func retry(_ id: Int64) async throws(RPCError) -> TaskInfo {
        try await control.retry(TaskParams(id: id))
    }

    /// `coroq send`: a value to a task's mailbox.
    public func send(_ id: Int64, value: JSONValue) async throws(RPCError) -> SendResult {
        try await messages.send(SendParams(task: id, value: value))
    }

    /// `coroq future resolve`: a value, or an error message.
    public func resolve(_ id: Int64, value: JSONValue?, error: String?) async throws(RPCError) -> TaskInfo {
        try await futures.resolve(FutureResolveParams(id: id, value: value, error: error))
    }

    /// `coroq schedule list`.
    public func scheduleList() async throws(RPCError) -> [ScheduleInfo] {
        try await schedules.list().schedules
    }

    /// The task's log from `offset`, at most `limit` bytes, cut at a whole character (unless `final`);
    /// returns the text and the offset reached.
    public func log(_ id: Int64, from offset: Int64, limit: Int = 256 * 1024, final: Bool = false) async -> (text: String, end: Int64) {
        guard let file = await LogFileReader.open("\(logDirectory)/\(id).log") else { return ("", offset) }
        let data = await file.read(from: offset, upTo: limit)
        await file.close()
        let complete = final ? data.count : LogsHandler.completeUTF8Prefix(data)
        return (String(decoding: data.prefix(complete), as: UTF8.self), offset + Int64(complete))
    }

    /// Wakes (coalesced) whenever the task's output grows or it finishes, until `stop` is called.
    public func logActivity(_ id: Int64) -> (wakes: AsyncStream<Void>, stop: @Sendable () -> Void) {
        let task = TaskID(id)
        let (wakes, sink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let live = hub.follow(task)
        let (token, inbox) = waiters.register([task])
        let forward = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in live.chunks { sink.yield() } }
                group.addTask { while await inbox.take() != nil { sink.yield() } }
            }
            sink.finish()
        }
        let hub = self.hub
        let waiters = self.waiters
        return (wakes, {
            hub.stop(task, token: live.token)
            waiters.unregister(token)
            forward.cancel()
            sink.finish()
        })
    }
}

extension DaemonView {
    /// One task as `coroq status ID` shows it (with its progress).
    public func task(_ id: Int64) async throws(RPCError) -> TaskInfo {
        try await status.get(GetParams(id: id))
    }
}
