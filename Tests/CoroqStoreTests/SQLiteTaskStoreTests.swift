import CoroqCore
import CoroqStore
import Foundation
import GRDB
import Testing

/// What only the SQLite store can show: durability across reopening, and what is on disk.
@Suite struct SQLiteTaskStoreTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path + "/coroq.db" }
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func aReopenedDatabaseRecoversRunningTasks() async throws {
        do {
            let store = try SQLiteTaskStore.open(path: path)
            _ = try await store.submit([NewTask(job: "sleep", arguments: ["seconds": 1]), NewTask(job: "noop")], at: t0)
            _ = try await store.claim(limit: 1, at: t0)
            _ = try await store.checkpoint(TaskID(1), key: "deadline", proposed: 42)
        }  // the "daemon" goes away with task 1 running
        let reopened = try SQLiteTaskStore.open(path: path)
        #expect(try await reopened.recoverInterrupted() == [TaskID(1)])
        let claimed = try await reopened.claim(limit: 5, at: t0)
        #expect(claimed.map(\.id.rawValue) == [1, 2])
        #expect(claimed[0].attempts == 2)
        #expect(try await reopened.checkpoint(TaskID(1), key: "deadline", proposed: 0) == 42)
    }

    @Test func idsAreNeverReused() async throws {
        let store = try SQLiteTaskStore.open(path: path)
        _ = try await store.submit([NewTask(job: "noop"), NewTask(job: "noop")], at: t0)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "DELETE FROM tasks") }
        #expect(try await store.submit([NewTask(job: "noop")], at: t0).map(\.id.rawValue) == [3])
    }

    @Test func theDatabaseIsInWALModeWithItsApplicationID() async throws {
        _ = try SQLiteTaskStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        let (mode, applicationID) = try await queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int32.fetchOne(db, sql: "PRAGMA application_id"))
        }
        #expect(mode == "wal")
        #expect(applicationID == 0x636F_726F)
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() async throws {
        _ = try SQLiteTaskStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: DatabaseError.self) { try SQLiteTaskStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
