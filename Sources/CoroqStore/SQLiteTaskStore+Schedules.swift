import CoroqCore
import CoroqJSON
import Foundation
import GRDB

/// The columns of `schedules`, named once.
enum ScheduleColumn: String, CaseIterable {
    case name, timing, catchUp = "catch_up", task, origin, paused, createdAt = "created_at", lastSlot = "last_slot"

    static let selection = allCases.map(\.rawValue).joined(separator: ", ")
    static let placeholders = allCases.map { _ in "?" }.joined(separator: ", ")
}

extension SQLiteTaskStore: ScheduleStore {
    public func schedules() async throws -> [Schedule] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(ScheduleColumn.selection) FROM schedules ORDER BY name").map(Schedule.init(row:))
        }
    }

    public func saveSchedule(_ schedule: Schedule) async throws {
        let values = try schedule.columnValues()
        try await batch.write { db in try Self.save(values, in: db) }
    }

    public func replaceConfigSchedules(_ schedules: [Schedule]) async throws {
        let values = try schedules.map { try $0.columnValues() }
        let names = JSONValue.array(schedules.map { .string($0.name) }).jsonText
        try await batch.write { db in
            try db.execute(sql: """
                DELETE FROM schedules WHERE origin = ? AND name NOT IN (SELECT value FROM json_each(?))
                """, arguments: [Schedule.Origin.config.rawValue, names])
            for value in values { try Self.save(value, in: db) }
        }
    }

    /// Inserts, or replaces the definition while keeping `paused` and `last_slot` (and the creation, which
    /// anchors an interval).
    private static func save(_ values: [DatabaseValue], in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO schedules (\(ScheduleColumn.selection)) VALUES (\(ScheduleColumn.placeholders))
            ON CONFLICT (name) DO UPDATE SET timing = excluded.timing, catch_up = excluded.catch_up,
                task = excluded.task, origin = excluded.origin
            """, arguments: StatementArguments(values))
    }

    public func removeSchedule(named name: String) async throws -> Bool {
        try await batch.write { db in
            try db.execute(sql: "DELETE FROM schedules WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func setSchedule(named name: String, paused: Bool, at now: Date) async throws -> Bool {
        try await batch.write { db in
            // Resumed: the slots that passed while it was paused are passed over.
            try db.execute(sql: """
                UPDATE schedules SET paused = ?1,
                    last_slot = CASE WHEN paused AND NOT ?1 THEN MAX(last_slot, ?2) ELSE last_slot END
                WHERE name = ?3
                """, arguments: [paused, now.timeIntervalSince1970, name])
            return db.changesCount > 0
        }
    }

    public func fire(schedule name: String, slots: [Date], task: NewTask?, last: Date, at now: Date) async throws -> [TaskRecord] {
        let slots = task == nil ? [] : slots
        let tasks = task.map { Array(repeating: $0, count: slots.count) } ?? []
        let rows = try Self.submittedRows(tasks)
        let ids = try await batch.write { db -> [Int64] in
            // Only slots after the recorded last one, of a schedule that still exists.
            guard let recorded = try Double.fetchOne(db, sql: "SELECT last_slot FROM schedules WHERE name = ?", arguments: [name]),
                  last.timeIntervalSince1970 > recorded else { return [] }
            let fresh = slots.filter { $0.timeIntervalSince1970 > recorded }
            var ids: [Int64] = []
            if !fresh.isEmpty {
                ids = try Self.insert(fresh.count == slots.count ? rows : try Self.submittedRows(Array(tasks.prefix(fresh.count))), at: now, in: db)
                for (id, slot) in zip(ids, fresh) {
                    try db.execute(sql: "INSERT INTO schedule_firings (schedule, slot, task_id) VALUES (?, ?, ?)",
                                   arguments: [name, slot.timeIntervalSince1970, id])
                }
            }
            try db.execute(sql: "UPDATE schedules SET last_slot = ? WHERE name = ?", arguments: [last.timeIntervalSince1970, name])
            return ids
        }
        return Self.records(of: tasks, ids: ids, at: now)
    }

    public func firing(of task: TaskID) async throws -> (schedule: String, slot: Date)? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT schedule, slot FROM schedule_firings WHERE task_id = ?", arguments: [task.rawValue])
                .map { (schedule: $0["schedule"], slot: Date(timeIntervalSince1970: $0["slot"])) }
        }
    }
}

extension Schedule {
    init(row: Row) throws {
        let timing = try ScheduleTiming(stored: try JSONValue(storedText: row[ScheduleColumn.timing.rawValue] as String))
        self.init(
            name: row[ScheduleColumn.name.rawValue], timing: timing,
            catchUp: CatchUp(rawValue: row[ScheduleColumn.catchUp.rawValue]) ?? .last,
            task: try JSONValue(storedText: row[ScheduleColumn.task.rawValue] as String),
            origin: Origin(rawValue: row[ScheduleColumn.origin.rawValue]) ?? .command,
            paused: row[ScheduleColumn.paused.rawValue],
            createdAt: Date(timeIntervalSince1970: row[ScheduleColumn.createdAt.rawValue]),
            lastSlot: Date(timeIntervalSince1970: row[ScheduleColumn.lastSlot.rawValue]))
    }

    /// The values of `ScheduleColumn.allCases`, in that order.
    func columnValues() throws -> [DatabaseValue] {
        try ScheduleColumn.allCases.map { column in
            switch column {
            case .name: name.databaseValue
            case .timing: try timing.stored.storedText().databaseValue
            case .catchUp: catchUp.rawValue.databaseValue
            case .task: try task.storedText().databaseValue
            case .origin: origin.rawValue.databaseValue
            case .paused: paused.databaseValue
            case .createdAt: createdAt.timeIntervalSince1970.databaseValue
            case .lastSlot: lastSlot.timeIntervalSince1970.databaseValue
            }
        }
    }
}
