import Foundation
import GRDB
import Testing
@testable import CoroqStore

/// The names the store reads and writes by come from one list each; these tests tie the lists to the schema,
/// so a column added to `tasks` without being read fails here rather than going unread.
@Suite struct StoredColumnsTests {
    /// Besides the callback status, the spawn key and the cancel request (`TreeColumn`) are not part of a
    /// record: they are read by the statements that need them.
    @Test func aRecordReadsEveryColumnOfTasksButTheCallbackStatusAndTheTreeColumns() throws {
        let queue = try DatabaseQueue()
        try Schema.migrate(queue)
        let columns = try queue.read { db in try db.columns(in: "tasks").map(\.name) }
        let unread = ["on_done_status"] + TreeColumn.allCases.map(\.rawValue) + ChainColumn.allCases.map(\.rawValue)
        #expect(Set(columns).subtracting(unread) == Set(TaskColumn.allCases.map(\.name)))
        #expect(TaskColumn.allCases.count == Set(TaskColumn.allCases.map(\.name)).count, "no column read twice")
    }

    /// `row[column]` reads the value selected under that column's name.
    @Test func aColumnIsReadAtThePositionItIsSelectedAt() throws {
        let queue = try DatabaseQueue()
        let row = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT " + TaskColumn.allCases.map { "'\($0.name)' AS \($0.name)" }
                .joined(separator: ", "))!
        }
        for column in TaskColumn.allCases {
            #expect(row[column] as String == column.name)
            #expect(row[column.name] as String == column.name)
        }
    }

    /// A slot's value is read back by the SQL under its alias, whatever its position.
    @Test func slotsAreExtractedFromTheirOwnPositions() throws {
        let element = "[" + OutcomeSlot.allCases.map { "\"\($0.alias)\"" }.joined(separator: ",") + "]"
        let row = try DatabaseQueue().read { db in
            try Row.fetchOne(db, sql: "SELECT \(OutcomeSlot.extraction()) FROM json_each(?)", arguments: ["[\(element)]"])!
        }
        for slot in OutcomeSlot.allCases {
            #expect(row[slot.alias] as String == slot.alias)
        }
    }
}
