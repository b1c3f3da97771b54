import CoroqCore
import CoroqProtocol
import Foundation

/// `progress` (a script's `coroq progress`), and the progress shown beside tasks in `status`, `get` and
/// `show`: the board's latest report, else the stored one (a report made before a restart).
struct ProgressHandler: Sendable {
    let board: ProgressBoard
    let store: any TaskStore & ProgressStore
    /// The longest note kept, in characters; a longer one is cut.
    static let maximumNote = 200

    func report(_ params: ProgressParams) async throws(RPCError) -> ProgressResult {
        if let fraction = params.fraction, !(0...1).contains(fraction) {
            throw RPCError(.invalidParams, "the fraction is \(fraction): give a number from 0 to 1 (0.4 for 40 %)")
        }
        let task = TaskID(params.task)
        let record: TaskRecord?
        do {
            record = try await store.task(task)
        } catch {
            throw RPCError(storeFailure: error)
        }
        guard let record else { throw RPCError(.taskNotFound, "no task with id \(task)") }
        guard record.state == .running else {
            throw RPCError(.wrongState, "task \(task) is \(record.state.rawValue): only a running task reports progress",
                           data: ["state": .string(record.state.rawValue)])
        }
        let note = params.note.map { String($0.prefix(Self.maximumNote)) }
        board.report(task, TaskProgress(fraction: params.fraction, note: note, updatedAt: Date()))
        return ProgressResult(task: params.task)
    }

    /// The latest progress of these tasks, for those that reported any.
    func progress(of tasks: [TaskID]) async -> [TaskID: ProgressInfo] {
        var found = board.latest(tasks)
        let rest = tasks.filter { found[$0] == nil }
        if !rest.isEmpty, let stored = try? await store.progress(of: rest) {
            found.merge(stored) { current, _ in current }
        }
        return found.mapValues(ProgressInfo.init)
    }

    /// `tasks` with their progress filled in.
    func adding(to tasks: [TaskInfo]) async -> [TaskInfo] {
        let found = await progress(of: tasks.map { TaskID($0.id) })
        guard !found.isEmpty else { return tasks }
        return tasks.map { task in
            var task = task
            task.progress = found[TaskID(task.id)]
            return task
        }
    }
}

extension ProgressInfo {
    init(_ progress: TaskProgress) {
        self.init(fraction: progress.fraction, note: progress.note, updatedAt: progress.updatedAt.timeIntervalSince1970)
    }
}
