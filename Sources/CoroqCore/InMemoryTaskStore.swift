import CoroqJSON
import Foundation

/// The reference `TaskStore`: the same contract as the SQLite store, kept in memory. For tests.
public actor InMemoryTaskStore: TaskStore {
    private var records: [TaskID: TaskRecord] = [:]
    private var attemptsByTask: [TaskID: [AttemptRecord]] = [:]
    private var callbackRunsByTask: [TaskID: [CallbackRun]] = [:]
    private var pendingCallbackIDs: Set<TaskID> = []
    private var checkpoints: [TaskID: [String: JSONValue]] = [:]
    private var stepsByTask: [TaskID: [StepRecord]] = [:]
    /// Each blocked task's dependencies and policy (deleted when it is settled).
    private var blockedOn: [TaskID: TaskDependencies] = [:]
    private var settled: [TaskRecord] = []
    /// Each parent's children by spawn key.
    private var spawnKeys: [TaskID: [String: TaskID]] = [:]
    private var cancelReasons: [TaskID: String] = [:]
    /// Values sent to each task, in order (`InMemoryTaskStore+Messages.swift`).
    var messagesByTask: [TaskID: [SentValue]] = [:]
    /// Each task's latest stored progress report.
    var progressByTask: [TaskID: TaskProgress] = [:]
    private var lastID: Int64 = 0
    private var boot: Int64 = 0

    public init() {}

    public func submit(_ tasks: [NewTask], at now: Date) throws -> [TaskRecord] {
        for (index, task) in tasks.enumerated() {
            let unknown = (task.after?.ids ?? []).filter { records[$0] == nil }
            if !unknown.isEmpty { throw UnknownDependencyError(index: index, ids: unknown) }
        }
        let submitted = tasks.map { new in
            lastID += 1
            let record = TaskRecord(
                id: TaskID(lastID), job: new.job, arguments: new.arguments, state: new.initialState,
                onDone: new.onDone, repeatable: new.repeatable, createdAt: now, runAt: new.runAt,
                priority: new.priority, retryPolicy: new.retryPolicy, queue: new.queue, label: new.label,
                timeout: new.timeout, key: new.key, onSuccess: new.onSuccess, onFailure: new.onFailure)
            records[record.id] = record
            if let after = new.after { blockedOn[record.id] = after }
            return record
        }
        settle(submitted.filter { blockedOn[$0.id] != nil }.map(\.id), at: now)
        return submitted.map { records[$0.id]! }
    }

    /// Applies the verdict of each of `dependents` still blocked, then settles the dependents of the ones
    /// it cancelled.
    private func settle(_ dependents: [TaskID], at now: Date) {
        var next = dependents
        while !next.isEmpty {
            var cancelled: [TaskID] = []
            for id in next.sorted() {
                guard let after = blockedOn[id], let record = records[id], record.state == .blocked else { continue }
                let states = after.ids.map { (id: $0, state: records[$0]?.state) }
                switch DependencyVerdict.deciding(policy: after.policy, states: states) {
                case .wait: continue
                case .release: records[id] = try? record.applying(.release)
                case .cancel(let reason):
                    records[id] = try? record.finishing(.cancelled(reason: reason), at: now)
                    if record.hasCallback { pendingCallbackIDs.insert(id) }
                    cancelled.append(id)
                }
                blockedOn[id] = nil
                settled.append(records[id]!)
            }
            next = blockedOn.filter { _, after in after.ids.contains { cancelled.contains($0) } }.map(\.key)
        }
    }

    /// Settles the blocked dependents of `id`, which just finished.
    private func settleDependents(of id: TaskID, at now: Date) {
        blockedOn[id] = nil
        settle(blockedOn.filter { $0.value.ids.contains(id) }.map(\.key), at: now)
    }

    public func takeSettledDependents() -> [TaskRecord] {
        defer { settled = [] }
        return settled
    }

    public func dependencies(of id: TaskID) -> [TaskID] { blockedOn[id]?.ids ?? [] }

    public func claim(limit: Int, at now: Date) throws -> [TaskRecord] {
        try claim(limit: limit, at: now, where: { _ in true })
    }

    /// Claims up to `limit` queued tasks that pass `include`, highest priority first, then oldest.
    func claim(limit: Int, at now: Date, where include: (TaskRecord) -> Bool) throws -> [TaskRecord] {
        let ids = records.values.filter { $0.state == .queued && include($0) }
            .sorted { ($0.priority, $1.id) > ($1.priority, $0.id) }.map(\.id).prefix(limit)
        return try ids.map { id in
            var record = records[id]!
            record.state = try record.state.applying(.claim)
            record.attempts += 1
            record.startedAt = now
            records[id] = record
            attemptsByTask[id, default: []].append(
                AttemptRecord(taskID: id, number: record.attempts, boot: boot, startedAt: now))
            return record
        }
    }

    public func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date) throws -> TaskRecord {
        guard let current = records[id] else { throw TaskStoreError.notFound(id) }
        let record = try current.finishing(outcome, at: now)
        records[id] = record
        if current.state == .running { closeAttempt(of: current, as: AttemptOutcome(outcome), error: record.error, at: now) }
        guard record.state.isFinal else { return record }  // backing off: not finished
        if record.hasCallback { pendingCallbackIDs.insert(id) }
        settleDependents(of: id, at: now)
        return record
    }

    public func cutOff(_ ids: [TaskID], at now: Date) throws -> [TaskRecord] {
        try ids.map { id in
            guard let record = records[id] else { throw TaskStoreError.notFound(id) }
            try cutOff(id, event: .cutOff(repeatable: record.repeatable),
                       attempt: record.repeatable ? .requeued : .interrupted, at: now)
            return records[id]!
        }
    }

    public func retry(_ id: TaskID, at now: Date) throws -> TaskRecord {
        guard let record = try records[id]?.retrying() else { throw TaskStoreError.notFound(id) }
        records[id] = record
        pendingCallbackIDs.remove(id)
        cancelReasons[id] = nil
        return record
    }

    public func startBoot(at now: Date) throws -> BootRecovery {
        boot += 1
        var recovery = BootRecovery(boot: boot, requeued: [], interrupted: [])
        for (id, reason) in cancelReasons.sorted(by: { $0.key < $1.key }) {
            guard let record = records[id], !record.state.isFinal else { continue }
            _ = try finish(id, outcome: .cancelled(reason: reason), at: now)
            recovery.cancelled.append(id)
        }
        for record in records.values.filter({ $0.state == .running }).sorted(by: { $0.id < $1.id }) {
            try cutOff(record.id, event: .cutOff(repeatable: record.repeatable), attempt: .interrupted, at: now)
            if record.repeatable { recovery.requeued.append(record.id) } else { recovery.interrupted.append(record.id) }
        }
        return recovery
    }

    public func recordCallbackRun(_ run: CallbackRun) {
        callbackRunsByTask[run.taskID, default: []].append(run)
        pendingCallbackIDs.remove(run.taskID)
    }

    public func clean(finishedBefore cutoff: Date, states: Set<TaskState>) -> [TaskID] {
        let doomed = records.values.filter { record in
            record.state.isFinal && states.contains(record.state) && (record.finishedAt.map { $0 < cutoff } ?? false)
                && !pendingCallbackIDs.contains(record.id)  // its on-done has not run yet
        }.map(\.id).sorted()
        for id in doomed {
            records[id] = nil
            attemptsByTask[id] = nil
            callbackRunsByTask[id] = nil
            checkpoints[id] = nil
            stepsByTask[id] = nil
            spawnKeys[id] = nil
            cancelReasons[id] = nil
            messagesByTask[id] = nil
            progressByTask[id] = nil
            pendingCallbackIDs.remove(id)
        }
        return doomed
    }

    public func checkpoint(_ task: TaskID, key: String, proposed: JSONValue) -> JSONValue {
        if let stored = checkpoints[task]?[key] { return stored }
        checkpoints[task, default: [:]][key] = proposed
        return proposed
    }

    public func checkpointValue(_ task: TaskID, key: String) -> JSONValue? {
        checkpoints[task]?[key]
    }

    public func step(_ task: TaskID, name: String) -> StepRecord? {
        stepsByTask[task]?.first { $0.name == name }
    }

    public func recordStep(_ step: StepRecord) -> StepRecord {
        if let stored = self.step(step.taskID, name: step.name) { return stored }
        stepsByTask[step.taskID, default: []].append(step)
        return step
    }

    public func spawn(_ child: NewTask, parent: TaskID, key: String, at now: Date) throws -> SpawnedChild {
        guard let parentRecord = records[parent] else { throw TaskStoreError.notFound(parent) }
        guard parentRecord.state == .running, cancelReasons[parent] == nil else {
            throw TaskError.parentNotRunning(parent, state: parentRecord.state, cancelling: cancelReasons[parent] != nil)
        }
        if let existing = spawnKeys[parent]?[key].flatMap({ records[$0] }) {
            return SpawnedChild(child: existing, created: false)
        }
        var child = child
        // A child joins its parent's queue, unless it names another.
        if child.queue == QueueName.defaultQueue { child.queue = parentRecord.queue }
        var record = try submit([child], at: now)[0]
        record.parentID = parent
        records[record.id] = record
        spawnKeys[parent, default: [:]][key] = record.id
        return SpawnedChild(child: record, created: true)
    }

    public func requestCancel(_ id: TaskID, reason: String, at now: Date) throws -> [CancelRequest] {
        guard let record = records[id] else { throw TaskStoreError.notFound(id) }
        guard !record.state.isFinal else { throw TaskTransitionError(from: record.state, event: .cancel) }
        if cancelReasons[id] == nil { cancelReasons[id] = reason }
        var requests = [CancelRequest(id: id, reason: cancelReasons[id]!)]
        var frontier = [id]
        while !frontier.isEmpty {
            let children = records.values.filter { $0.parentID.map(frontier.contains) ?? false }.sorted { $0.id < $1.id }
            for child in children where !child.state.isFinal {
                if cancelReasons[child.id] == nil {
                    cancelReasons[child.id] = SpawnKey.cancelReason(parent: child.parentID!, reason: reason)
                }
                requests.append(CancelRequest(id: child.id, reason: cancelReasons[child.id]!))
            }
            frontier = children.map(\.id)
        }
        return requests
    }

    private func cutOff(_ id: TaskID, event: TaskEvent, attempt outcome: AttemptOutcome, at now: Date) throws {
        guard let current = records[id] else { throw TaskStoreError.notFound(id) }
        records[id] = try current.applying(event)
        closeAttempt(of: current, as: outcome, error: nil, at: now)
    }

    private func closeAttempt(of task: TaskRecord, as outcome: AttemptOutcome, error: TaskError?, at now: Date) {
        guard let index = attemptsByTask[task.id]?.lastIndex(where: { $0.number == task.attempts && $0.finishedAt == nil })
        else { return }
        attemptsByTask[task.id]![index].finishedAt = now
        attemptsByTask[task.id]![index].outcome = outcome
        attemptsByTask[task.id]![index].error = error
    }

    // MARK: Reads

    public func task(_ id: TaskID) -> TaskRecord? { records[id] }

    public func tasks(_ ids: [TaskID]) -> [TaskRecord] {
        Set(ids).sorted().compactMap { records[$0] }
    }

    public func recentTasks(limit: Int) -> [TaskRecord] {
        Array(records.values.sorted { $0.id > $1.id }.prefix(limit))
    }

    public func children(of id: TaskID) -> [TaskRecord] {
        records.values.filter { $0.parentID == id }.sorted { $0.id < $1.id }
    }

    public func descendants(of id: TaskID, limit: Int) -> [TaskRecord] {
        var found: [TaskRecord] = []
        var frontier: Set<TaskID> = [id]
        while !frontier.isEmpty {
            let children = records.values.filter { $0.parentID.map(frontier.contains) ?? false }
            found += children
            frontier = Set(children.map(\.id))
        }
        return Array(found.sorted { $0.id < $1.id }.prefix(limit))
    }

    public func childIDs(of parents: [TaskID]) -> [TaskID: [TaskID]] {
        let wanted = Set(parents)
        var ids: [TaskID: [TaskID]] = [:]
        for record in records.values.sorted(by: { $0.id < $1.id }) {
            if let parent = record.parentID, wanted.contains(parent) { ids[parent, default: []].append(record.id) }
        }
        return ids
    }

    public func unfinishedTaskIDs() -> [TaskID] {
        records.values.filter { [.queued, .running, .blocked, .scheduled].contains($0.state) }.map(\.id).sorted()
    }

    public func countsByState() -> [TaskState: Int] {
        records.values.reduce(into: [:]) { counts, record in counts[record.state, default: 0] += 1 }
    }

    public func attempts(of id: TaskID) -> [AttemptRecord] { attemptsByTask[id] ?? [] }

    public func firstAttemptStarts(of ids: [TaskID]) -> [TaskID: Date] {
        var starts: [TaskID: Date] = [:]
        for id in ids {
            starts[id] = attemptsByTask[id]?.first?.startedAt
        }
        return starts
    }

    public func steps(of id: TaskID) -> [StepRecord] { stepsByTask[id] ?? [] }

    public func callbackRuns(of id: TaskID) -> [CallbackRun] { callbackRunsByTask[id] ?? [] }

    public func pendingCallbacks() -> [TaskRecord] {
        pendingCallbackIDs.sorted().compactMap { records[$0] }
    }

    public func promoteDue(at now: Date) throws -> Date? {
        for record in records.values where record.state == .scheduled && (record.runAt ?? now) <= now {
            records[record.id] = try record.applying(.promote)
        }
        return records.values.filter { $0.state == .scheduled }.compactMap(\.runAt).min()
    }
}
