import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// Submits with idempotency keys (`--key`) and `--then` follow-ups: the key lookup, the insert of what is
/// new, and the follow-ups' links, in one transaction of the single writer, so two clients racing with one
/// key get one task (the unique index `tasks_by_key` backs it). Plain submits never come here.
extension SQLiteTaskStore {
    public func submitGuarded(_ tasks: [NewTask], at now: Date) async throws -> [SubmittedTask] {
        guard tasks.contains(where: { $0.key != nil || $0.inputFromIndex != nil }) else {
            return try await submit(tasks, at: now).map { SubmittedTask(record: $0, existing: false) }
        }
        let (submitted, settled) = try await batch.write { db in
            try Self.submitGuarded(tasks, at: now, in: db)
        }
        self.settled.add(settled)
        return submitted
    }

    /// What becomes of each task of the submit.
    private enum Plan {
        /// Stored now, at this position among the new rows.
        case new(Int)
        /// Already stored (its key's task, or that task's follow-up).
        case stored(TaskRecord)
        /// The same as an earlier task of this submit (it repeats that task's key, or follows it).
        case sameAs(Int)
    }

    private static func submitGuarded(
        _ tasks: [NewTask], at now: Date, in db: Database
    ) throws -> (submitted: [SubmittedTask], settled: [TaskRecord]) {
        let plans = try plan(tasks, in: db)
        var fresh: [NewTask] = []
        var freshIndex: [Int] = []  // the submit position of each new row
        for (index, plan) in plans.enumerated() {
            guard case .new = plan else { continue }
            fresh.append(tasks[index])
            freshIndex.append(index)
        }
        guard !fresh.isEmpty else {
            return (try plans.indices.map { try submitted(plans, $0, ids: [], fresh: [], at: now) }, [])
        }
        try checkDependenciesExist(of: fresh, in: db)
        let ids = try insert(try submittedRows(fresh), at: now, in: db)
        // Follow-ups: their dependency on the task they follow, now that it has an id.
        var links: [(follower: Int64, leader: Int64, on: AfterPolicy)] = []
        for (position, task) in fresh.enumerated() {
            guard let leaderIndex = task.inputFromIndex else { continue }
            let leader = try id(of: leaderIndex, plans, ids: ids)
            let policy = task.after?.policy ?? .succeeded
            fresh[position].after = TaskDependencies(ids: (task.after?.ids ?? []) + [TaskID(leader)], policy: policy)
            links.append((ids[position], leader, policy))
        }
        for link in links {
            try db.cachedStatement(sql: "UPDATE tasks SET input_from = ?, \(ChainColumn.thenOn.rawValue) = ? WHERE id = ?")
                .execute(arguments: [link.leader, link.on == .finished ? "always" : "success", link.follower])
        }
        let settled = fresh.contains { $0.after != nil } ? try addDependencies(of: fresh, ids: ids, at: now, in: db) : []
        let settledByID = Dictionary(settled.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var records = records(of: fresh, ids: ids, settled: settled, at: now)
        for (position, record) in records.enumerated() where settledByID[record.id] == nil {
            records[position].inputFrom = fresh[position].inputFromIndex.flatMap { try? TaskID(id(of: $0, plans, ids: ids)) }
        }
        return (try plans.indices.map { try submitted(plans, $0, ids: ids, fresh: records, at: now) }, settled)
    }

    /// Decides each task: new, stored already (its key's task, or that task's follow-up), or the same as an
    /// earlier one of the submit. Throws `KeyConflictError` for a key held with another job or arguments.
    private static func plan(_ tasks: [NewTask], in db: Database) throws -> [Plan] {
        let keys = Set(tasks.compactMap(\.key))
        var holders: [String: TaskRecord] = [:]
        if !keys.isEmpty {
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(TaskColumn.selection) FROM tasks WHERE idempotency_key IN (SELECT value FROM json_each(?))
                """), arguments: [JSONValue.array(keys.map(JSONValue.string)).jsonText])
            for row in rows {
                let record = try TaskRecord(row: row)
                if let key = record.key { holders[key] = record }
            }
        }
        var plans: [Plan] = []
        var firstWithKey: [String: Int] = [:]
        var newCount = 0
        for (index, task) in tasks.enumerated() {
            if let key = task.key, let holder = holders[key] {
                guard holder.job == task.job, holder.arguments == task.arguments else {
                    throw KeyConflictError(index: index, key: key, existing: holder.id)
                }
                plans.append(.stored(holder))
            } else if let key = task.key, let earlier = firstWithKey[key] {
                guard tasks[earlier].job == task.job, tasks[earlier].arguments == task.arguments else {
                    throw KeyConflictError(index: index, key: key, existing: nil, earlierIndex: earlier)
                }
                plans.append(.sameAs(earlier))
            } else if let leader = task.inputFromIndex, leader < index, case .stored(let stored) = plans[leader],
                      let followUp = try followUps(of: stored.id, in: db).first {
                plans.append(.stored(followUp))
            } else if let leader = task.inputFromIndex, leader < index, case .sameAs(let earlier) = plans[leader],
                      let followUp = tasks.indices.first(where: { tasks[$0].inputFromIndex == earlier }) {
                plans.append(.sameAs(followUp))
            } else {
                if let key = task.key { firstWithKey[key] = index }
                plans.append(.new(newCount))
                newCount += 1
            }
        }
        return plans
    }

    /// The id task `index` of the submit has (or will have: `ids` are the new rows' ids).
    private static func id(of index: Int, _ plans: [Plan], ids: [Int64]) throws -> Int64 {
        switch plans[index] {
        case .new(let position): return ids[position]
        case .stored(let record): return record.id.rawValue
        case .sameAs(let earlier): return try id(of: earlier, plans, ids: ids)
        }
    }

    private static func submitted(
        _ plans: [Plan], _ index: Int, ids: [Int64], fresh: [TaskRecord], at now: Date
    ) throws -> SubmittedTask {
        switch plans[index] {
        case .new(let position): return SubmittedTask(record: fresh[position], existing: false)
        case .stored(let record): return SubmittedTask(record: record, existing: true)
        case .sameAs(let earlier): return SubmittedTask(record: try submitted(plans, earlier, ids: ids, fresh: fresh, at: now).record, existing: true)
        }
    }

    /// The `--then` follow-ups of a task, oldest first.
    static func followUps(of id: TaskID, in db: Database) throws -> [TaskRecord] {
        try TaskRecord.fetchAll(db.cachedStatement(sql: "SELECT \(TaskColumn.selection) FROM tasks WHERE input_from = ? ORDER BY id"),
                                arguments: [id.rawValue])
    }

    /// A task's `--then` follow-ups' ids, and, for a follow-up, the task it follows and its policy
    /// (`success` or `always`) — for `show`.
    public func chain(of id: TaskID) async throws -> TaskChain {
        try await writer.read { db in
            let then = try Int64.fetchAll(db, sql: "SELECT id FROM tasks WHERE input_from = ? ORDER BY id", arguments: [id.rawValue])
            let row = try Row.fetchOne(db, sql: "SELECT input_from, \(ChainColumn.thenOn.rawValue) FROM tasks WHERE id = ? AND input_from IS NOT NULL",
                                       arguments: [id.rawValue])
            let follows = row.map { (task: TaskID($0[0] as Int64), on: ($0[1] as String?) ?? "success") }
            return TaskChain(then: then.map { TaskID($0) }, follows: follows)
        }
    }
}

/// The `tasks` columns of chains that a `TaskRecord` does not carry.
enum ChainColumn: String, CaseIterable {
    /// A `--then` follow-up's policy: `success` or `always` (`show` tells it).
    case thenOn = "then_on"
}
