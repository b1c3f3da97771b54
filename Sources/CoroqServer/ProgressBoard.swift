import CoroqCore
import Synchronization

/// The latest progress report of each running task, in memory: what `status`, `show` and `wait` read and
/// push at once. Reports are coalesced: `ProgressService` stores the latest of each task a few times a
/// second, so a job reporting in a tight loop costs no transaction per report.
final class ProgressBoard: TaskProgressReporting {
    typealias Update = (task: TaskID, progress: TaskProgress)

    private struct Watcher {
        let tasks: Set<TaskID>
        let sink: AsyncStream<Update>.Continuation
    }

    private struct State {
        var latest: [TaskID: TaskProgress] = [:]
        var unwritten: [TaskID: TaskProgress] = [:]
        /// Finished tasks whose report is still to be written: it stays readable here until then.
        var finishedUnwritten: Set<TaskID> = []
        var watchers: [UInt64: Watcher] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())
    /// One element when reports wait to be written: the writer's wake.
    let unwrittenReports: AsyncStream<Void>
    private let wakeSink: AsyncStream<Void>.Continuation

    init() {
        (unwrittenReports, wakeSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func report(_ task: TaskID, _ progress: TaskProgress) {
        let (wake, sinks) = state.withLock { state in
            state.latest[task] = progress
            let wake = state.unwritten.isEmpty
            state.unwritten[task] = progress
            return (wake, state.watchers.values.filter { $0.tasks.contains(task) }.map(\.sink))
        }
        if wake { wakeSink.yield() }
        for sink in sinks { sink.yield((task, progress)) }
    }

    /// The latest reports of these tasks made in this daemon, for those that reported.
    func latest(_ tasks: [TaskID]) -> [TaskID: TaskProgress] {
        state.withLock { state in
            var found: [TaskID: TaskProgress] = [:]
            for task in tasks { if let progress = state.latest[task] { found[task] = progress } }
            return found
        }
    }

    /// The task is finished: its report leaves memory once the store has it.
    func finished(_ task: TaskID) {
        state.withLock { state in
            if state.unwritten[task] != nil || state.finishedUnwritten.contains(task) {
                state.finishedUnwritten.insert(task)
            } else {
                state.latest.removeValue(forKey: task)
            }
        }
    }

    /// The reports not written yet, which the caller now writes (then calls `written`).
    func takeUnwritten() -> [TaskID: TaskProgress] {
        state.withLock { state in
            defer { state.unwritten = [:] }
            return state.unwritten
        }
    }

    /// These reports were written (or given up on): those of finished tasks leave memory.
    func written(_ tasks: some Sequence<TaskID>) {
        state.withLock { state in
            for task in tasks where state.unwritten[task] == nil && state.finishedUnwritten.remove(task) != nil {
                state.latest.removeValue(forKey: task)
            }
        }
    }

    /// No more writes will be asked for: the writer ends once it wrote what is left.
    func close() {
        wakeSink.finish()
    }

    /// Reports of these tasks as they are made, until `unwatch`.
    func watch(_ tasks: Set<TaskID>) -> (token: UInt64, updates: AsyncStream<Update>) {
        let (updates, sink) = AsyncStream.makeStream(of: Update.self, bufferingPolicy: .bufferingNewest(256))
        let token = state.withLock { state in
            state.nextToken += 1
            state.watchers[state.nextToken] = Watcher(tasks: tasks, sink: sink)
            return state.nextToken
        }
        return (token, updates)
    }

    func unwatch(_ token: UInt64) {
        state.withLock { $0.watchers.removeValue(forKey: token) }?.sink.finish()
    }
}
