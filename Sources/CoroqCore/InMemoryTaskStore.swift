import CoroqJSON
import Foundation

/// The reference `TaskStore`: the same contract as the SQLite store, kept in memory. For tests.
public actor InMemoryTaskStore: TaskStore {
    private var records: [TaskID: TaskRecord] = [:]
    private var pendingCallbackIDs: Set<TaskID> = []
    private var checkpoints: [TaskID: [String: JSONValue]] = [:]
    private var lastID: Int64 = 0

    public init() {}

    public func submit(_ tasks: [NewTask], at now: Date) -> [TaskRecord] {
        tasks.map { new in
            lastID += 1
            let record = TaskRecord(
                id: TaskID(lastID), job: new.job, arguments: new.arguments, state: .queued,
                onDone: new.onDone, createdAt: now)
            records[record.id] = record
            return record
        }
    }

    public func claim(limit: Int, at now: Date) throws -> [TaskRecord] {
        let ids = records.values.filter { $0.state == .queued }.map(\.id).sorted().prefix(limit)
        return try ids.map { id in
            var record = records[id]!
            record.state = try record.state.applying(.claim)
            record.attempts += 1
            record.startedAt = now
            records[id] = record
            return record
        }
    }

    public func finish(_ id: TaskID, outcome: TaskOutcome, at now: Date) throws -> TaskRecord {
        guard let current = records[id] else { throw TaskStoreError.notFound(id) }
        let record = try current.finishing(outcome, at: now)
        records[id] = record
        if record.onDone != nil { pendingCallbackIDs.insert(id) }
        return record
    }

    public func requeue(_ ids: [TaskID]) throws {
        for id in ids {
            guard let record = records[id] else { throw TaskStoreError.notFound(id) }
            records[id] = try record.requeued()
        }
    }

    public func recoverInterrupted() throws -> [TaskID] {
        let ids = records.values.filter { $0.state == .running }.map(\.id).sorted()
        try requeue(ids)
        return ids
    }

    public func markCallbackFired(_ id: TaskID, succeeded: Bool) {
        pendingCallbackIDs.remove(id)
    }

    public func pendingCallbacks() -> [TaskRecord] {
        pendingCallbackIDs.sorted().compactMap { records[$0] }
    }

    public func checkpoint(_ task: TaskID, key: String, proposed: JSONValue) -> JSONValue {
        if let stored = checkpoints[task]?[key] { return stored }
        checkpoints[task, default: [:]][key] = proposed
        return proposed
    }

    public func task(_ id: TaskID) -> TaskRecord? { records[id] }

    public func tasks(_ ids: [TaskID]) -> [TaskRecord] {
        ids.sorted().compactMap { records[$0] }
    }

    public func recentTasks(limit: Int) -> [TaskRecord] {
        Array(records.values.sorted { $0.id > $1.id }.prefix(limit))
    }

    public func unfinishedTaskIDs() -> [TaskID] {
        records.values.filter { !$0.state.isFinal }.map(\.id).sorted()
    }

    public func countsByState() -> [TaskState: Int] {
        records.values.reduce(into: [:]) { counts, record in counts[record.state, default: 0] += 1 }
    }
}
