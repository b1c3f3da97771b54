import CoroqCore
import CoroqStore
import Foundation
import GRDB
import Testing

/// The dashboard's task list: keyset pages newest first, filters, and the bounded window of a filtered page.
@Suite struct TaskPageQueryTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func theSQLIsAKeysetWalkDownThePrimaryKey() {
        let query = TaskPageQuery(before: 1000, limit: 50)
        let (text, arguments) = query.sql(newest: 5000)
        #expect(text == "SELECT id FROM tasks WHERE id < ? ORDER BY id DESC LIMIT ?")
        #expect(arguments.count == 2 && arguments[0] as? Int64 == 1000 && arguments[1] as? Int == 50)
        #expect(TaskPageQuery(limit: 50).sql(newest: 5000).text == "SELECT id FROM tasks ORDER BY id DESC LIMIT ?",
                "the first page has no OFFSET and no condition")
    }

    @Test func aFilteredPageLooksThroughAWindowOfIdsOnly() {
        let query = TaskPageQuery(before: 300_001, state: .failed, job: "exec", limit: 50, window: 100_000)
        let (text, arguments) = query.sql(newest: 1_000_000)
        #expect(text == "SELECT id FROM tasks WHERE id < ? AND id >= ? AND state = ? AND job = ? ORDER BY id DESC LIMIT ?")
        #expect(arguments[1] as? Int64 == 200_001)
        #expect(arguments[2] as? String == "failed" && arguments[3] as? String == "exec")
        #expect(TaskPageQuery(state: .failed, window: 100).floor(newest: 50) == 1, "never below the first id")
    }

    @Test func pagesWalkTheWholeTableNewestFirstWithoutGapsOrRepeats() async throws {
        let store = try SQLiteTaskStore(writer: DatabaseQueue())
        _ = try await store.submit((0..<120).map { NewTask(job: $0 % 3 == 0 ? "exec" : "noop", arguments: ["n": .int(Int64($0))]) }, at: t0)
        var seen: [Int64] = []
        var query = TaskPageQuery(limit: 50)
        while true {
            let (ids, floor) = try await store.taskPage(query)
            #expect(floor == nil)
            seen += ids.map(\.rawValue)
            guard ids.count == query.limit, let last = ids.last else { break }
            query.before = last.rawValue
        }
        let all: [Int64] = (Int64(1)...Int64(120)).reversed()
        #expect(seen == all)
    }

    @Test func aFilteredPageStopsAtItsWindowAndSaysWhere() async throws {
        let store = try SQLiteTaskStore(writer: DatabaseQueue())
        _ = try await store.submit((0..<120).map { NewTask(job: $0 % 3 == 0 ? "exec" : "noop", arguments: ["n": .int(Int64($0))]) }, at: t0)
        let first = try await store.taskPage(TaskPageQuery(job: "exec", limit: 50, window: 30))
        // ids 91…120 looked at; exec tasks are ids 1, 4, 7, … (n = id - 1 divisible by 3).
        let expected: [Int64] = (Int64(91)...Int64(120)).filter { ($0 - 1) % 3 == 0 }.reversed()
        #expect(first.ids.map(\.rawValue) == expected)
        #expect(first.floor == 91)
        let next = try await store.taskPage(TaskPageQuery(before: 91, job: "exec", limit: 50, window: 30))
        #expect(next.ids.first?.rawValue == 88 && next.floor == 61)
    }
}
