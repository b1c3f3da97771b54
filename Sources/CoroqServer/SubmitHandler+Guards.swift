import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation

extension TaskSpec {
    /// True for a task with an idempotency key or a `then` follow-up: submitted through `submitGuarded`.
    var isGuarded: Bool { key != nil || then != nil }
}

/// Submits with keys (`--key`) and follow-ups (`--then`); checks of `timeout` and `key`.
extension SubmitHandler {
    /// Longest idempotency key, in bytes.
    static let maximumKeyBytes = 512

    /// Each task, then its follow-up (if any) right after it; answers with the tasks' ids, which are
    /// existing, and their follow-ups' ids.
    func submitGuarded(_ params: SubmitParams) async throws(RPCError) -> SubmitResult {
        var newTasks: [NewTask] = []
        var positions: [(task: Int, followUp: Int?)] = []
        for (index, spec) in params.tasks.enumerated() {
            let position = newTasks.count
            newTasks.append(try newTask(spec, index: index))
            guard let then = spec.then else {
                positions.append((position, nil))
                continue
            }
            newTasks.append(try followUp(then, of: position, following: spec, index: index))
            positions.append((position, position + 1))
        }
        let submitted: [SubmittedTask]
        do {
            submitted = try await store.submitGuarded(newTasks, at: Date())
        } catch let error as KeyConflictError {
            // Positions among the new tasks (follow-ups included) told as the submit's own.
            let index = Self.specIndex(of: error.index, positions)
            throw RPCError(storeFailure: KeyConflictError(
                index: index, key: error.key, existing: error.existing,
                earlierIndex: error.earlierIndex.map { Self.specIndex(of: $0, positions) }))
        } catch let error as UnknownDependencyError {
            throw RPCError(storeFailure: UnknownDependencyError(index: Self.specIndex(of: error.index, positions), ids: error.ids))
        } catch {
            throw RPCError(storeFailure: error)
        }
        scheduler.wake()
        if let earliest = submitted.lazy.map(\.record).filter({ $0.state == .scheduled }).compactMap(\.runAt).min() {
            scheduler.scheduled(at: earliest)
        }
        await scheduler.settleDependents()
        let ids = positions.map { submitted[$0.task].record.id.rawValue }
        let existing = positions.map { submitted[$0.task].existing }
        let then = positions.map { $0.followUp.map { submitted[$0].record.id.rawValue } }
        return SubmitResult(
            ids: ids, existing: existing.contains(true) ? existing : nil,
            then: then.contains { $0 != nil } ? then : nil)
    }

    /// The submit's task that new task `position` (a task, or its follow-up) comes from.
    private static func specIndex(of position: Int, _ positions: [(task: Int, followUp: Int?)]) -> Int {
        positions.lastIndex { $0.task <= position } ?? 0
    }

    /// The follow-up of the task at `position` of the submit: blocked until it finishes, with its result
    /// as input.
    private func followUp(
        _ spec: FollowUpSpec, of position: Int, following first: TaskSpec, index: Int
    ) throws(RPCError) -> NewTask {
        let word = spec.on ?? "success"
        let policy: AfterPolicy
        switch word {
        case "success": policy = .succeeded
        case "always": policy = .finished
        default:
            throw RPCError(.invalidParams, "task \(index): then.on '\(word)' is not one of success, always",
                           data: ["index": .int(Int64(index))])
        }
        // The follow-up runs where the task it follows runs: same queue, label and priority.
        var followed = TaskSpec(job: spec.job, args: spec.args, queue: first.queue, label: first.label)
        followed.priority = first.priority
        var task = try newTask(followed, index: index)
        task.after = TaskDependencies(ids: [], policy: policy)
        task.inputFromIndex = position
        return task
    }

    /// The task's `timeout`, checked: a positive number of seconds; the job's default when it gives none.
    func timeout(of spec: TaskSpec, defaults: JobDefaults, index: Int) throws(RPCError) -> Double? {
        guard let timeout = spec.timeout else { return defaults.timeout }
        guard timeout > 0, Seconds.isValid(timeout) else {
            throw RPCError(.invalidParams,
                "task \(index): \"timeout\" is \(timeout); expected a number of seconds above 0 and at most \(Int(Seconds.maximum))",
                data: ["index": .int(Int64(index))])
        }
        return timeout
    }

    /// The task's idempotency key, checked: not empty, at most `maximumKeyBytes`.
    func key(of spec: TaskSpec, index: Int) throws(RPCError) -> String? {
        guard let key = spec.key else { return nil }
        guard !key.isEmpty, key.utf8.count <= Self.maximumKeyBytes else {
            throw RPCError(.invalidParams,
                "task \(index): \"key\" must be 1 to \(Self.maximumKeyBytes) bytes (it is \(key.utf8.count))",
                data: ["index": .int(Int64(index))])
        }
        return key
    }
}
