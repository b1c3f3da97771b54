import CoroqCore
import CoroqJSON
import Foundation
import GRDB
import Synchronization

/// Tasks submitted with `--after`: their edges, and their release or cancel in the transaction that records
/// the outcome of their last dependency (a crash cannot lose a release).
extension SQLiteTaskStore {
    /// Throws `UnknownDependencyError` for the first task that names an id no task has.
    static func checkDependenciesExist(of tasks: [NewTask], in db: Database) throws {
        let named = Set(tasks.flatMap { $0.after?.ids ?? [] }.map(\.rawValue))
        let known = Set(try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM tasks WHERE id IN (SELECT value FROM json_each(?))"),
            arguments: [JSONValue.array(named.map(JSONValue.int)).jsonText]))
        for (index, task) in tasks.enumerated() {
            let unknown = (task.after?.ids ?? []).filter { !known.contains($0.rawValue) }
            if !unknown.isEmpty { throw UnknownDependencyError(index: index, ids: unknown) }
        }
    }

    /// Stores the edges of the new tasks `ids` (in the order of `tasks`) and settles the ones whose
    /// dependencies have all finished already. Returns the tasks settled.
    static func addDependencies(of tasks: [NewTask], ids: [Int64], at now: Date, in db: Database) throws -> [TaskRecord] {
        var edges: [JSONValue] = []
        var dependents: [Int64] = []
        for (id, task) in zip(ids, tasks) {
            guard let after = task.after else { continue }
            dependents.append(id)
            for dependency in after.ids {
                edges.append([.int(id), .int(dependency.rawValue), .string(after.policy.rawValue)])
            }
        }
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO task_dependencies (task_id, depends_on, policy)
            SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)
            """).execute(arguments: [JSONValue.array(edges).jsonText])
        let (settled, cancelled) = try evaluate(dependents, at: now, in: db)
        return settled + (try settleDependents(of: cancelled, at: now, in: db))
    }

    /// Settles the blocked dependents of the tasks `finished` just finished, and theirs in turn when
    /// one is cancelled. Returns them as they are now. Costs one read of an empty table when no task waits.
    static func settleDependents(of finished: [Int64], at now: Date, in db: Database) throws -> [TaskRecord] {
        guard !finished.isEmpty,
              try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM task_dependencies)")) == true
        else { return [] }
        var frontier = finished
        var settled: [TaskRecord] = []
        while !frontier.isEmpty {
            let ids = JSONValue.array(frontier.map(JSONValue.int)).jsonText
            // A blocked task cancelled by a person has edges of its own: they go.
            try db.cachedStatement(sql: "DELETE FROM task_dependencies WHERE task_id IN (SELECT value FROM json_each(?))")
                .execute(arguments: [ids])
            let dependents = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT task_id FROM task_dependencies WHERE depends_on IN (SELECT value FROM json_each(?)) ORDER BY task_id
                """), arguments: [ids])
            let (released, cancelled) = try evaluate(dependents, at: now, in: db)
            settled += released
            frontier = cancelled
        }
        return settled
    }

    /// Applies each blocked task's `DependencyVerdict`; returns the tasks it settled, and the ids of the
    /// ones it cancelled (whose own dependents must be settled next).
    private static func evaluate(_ dependents: [Int64], at now: Date, in db: Database) throws -> (settled: [TaskRecord], cancelled: [Int64]) {
        guard !dependents.isEmpty else { return ([], []) }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT d.task_id, d.policy, d.depends_on, t.state FROM task_dependencies AS d
            LEFT JOIN tasks AS t ON t.id = d.depends_on
            WHERE d.task_id IN (SELECT value FROM json_each(?)) ORDER BY d.task_id, d.depends_on
            """), arguments: [JSONValue.array(dependents.map(JSONValue.int)).jsonText])
        var byTask: [(id: Int64, policy: AfterPolicy, states: [(id: TaskID, state: TaskState?)])] = []
        for row in rows {
            let id: Int64 = row[0]
            let dependency = (id: TaskID(row[2] as Int64), state: (row[3] as String?).flatMap(TaskState.init(rawValue:)))
            if byTask.last?.id == id {
                byTask[byTask.count - 1].states.append(dependency)
            } else {
                byTask.append((id, AfterPolicy(rawValue: row[1]) ?? .succeeded, [dependency]))
            }
        }
        var settled: [TaskRecord] = []
        var cancelled: [Int64] = []
        for task in byTask {
            switch DependencyVerdict.deciding(policy: task.policy, states: task.states) {
            case .wait:
                continue
            case .release:
                guard let record = try fetch(TaskID(task.id), in: db), record.state == .blocked else { continue }
                let released = try record.applying(.release)
                try db.cachedStatement(sql: "UPDATE tasks SET state = ? WHERE id = ?")
                    .execute(arguments: [released.state.rawValue, task.id])
                settled.append(released)
            case .cancel(let reason):
                settled.append(try finish(TaskID(task.id), outcome: .cancelled(reason: reason), at: now, in: db))
                cancelled.append(task.id)
            }
            try db.cachedStatement(sql: "DELETE FROM task_dependencies WHERE task_id = ?").execute(arguments: [task.id])
        }
        return (settled, cancelled)
    }

    /// The ids a blocked task still waits for (`show`).
    public func dependencies(of id: TaskID) async throws -> [TaskID] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT depends_on FROM task_dependencies WHERE task_id = ? ORDER BY depends_on",
                               arguments: [id.rawValue]).map { TaskID($0) }
        }
    }
}

/// Dependents settled by committed writes, kept until the scheduler takes them.
final class SettledDependents: Sendable {
    private let records = Mutex<[TaskRecord]>([])

    func add(_ settled: [TaskRecord]) {
        guard !settled.isEmpty else { return }
        records.withLock { $0 += settled }
    }

    func take() -> [TaskRecord] {
        records.withLock { records in
            defer { records = [] }
            return records
        }
    }
}
