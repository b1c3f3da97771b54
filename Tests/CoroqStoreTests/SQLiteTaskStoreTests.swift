import CoroqCore
import CoroqStore
import Foundation
import GRDB
import Synchronization
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
        #expect(try await reopened.startBoot(at: t0).requeued == [TaskID(1)])
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
        #expect(throws: StartupRefusal.self) { try SQLiteTaskStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    /// FULL must be in force on the writer itself (GRDB resets its writer to NORMAL after prepareDatabase).
    @Test(arguments: [(SQLiteTaskStore.Synchronous.normal, 1), (.full, 2)])
    func theSynchronousLevelIsInForceOnTheWriter(mode: SQLiteTaskStore.Synchronous, level: Int) throws {
        let store = try SQLiteTaskStore.open(path: path, synchronous: mode)
        #expect(try store.synchronousLevel() == level)
    }

    /// Concurrent writes share transactions; one refused write does not fail the others of its batch.
    @Test func groupCommitIsolatesAFailedWrite() async throws {
        let pool = try DatabasePool(path: path)
        let commits = CommitCounter()
        pool.add(transactionObserver: commits, extent: .databaseLifetime)
        let store = try SQLiteTaskStore(writer: pool)
        _ = try await store.submit((0..<200).map { _ in NewTask(job: "noop") }, at: t0)
        _ = try await store.claim(limit: 200, at: t0)
        let results = await withTaskGroup(of: (Int64, Bool).self) { group in
            for id in 1...200 {
                group.addTask {
                    let ok = (try? await store.finish(TaskID(Int64(id)), outcome: .succeeded(.int(Int64(id))), at: self.t0)) != nil
                    return (Int64(id), ok)
                }
            }
            // Task 7 finished twice: exactly one of these two may succeed.
            group.addTask { (7, (try? await store.finish(TaskID(7), outcome: .succeeded(.null), at: self.t0)) != nil) }
            return await group.reduce(into: [Int64: [Bool]]()) { $0[$1.0, default: []].append($1.1) }
        }
        #expect(results.filter { $0.key != 7 }.allSatisfy { $0.value == [true] })
        #expect(results[Int64(7)]?.sorted { !$0 && $1 } == [false, true])
        #expect(try await store.countsByState() == [.succeeded: 200])
        // 201 outcome writes, plus the submit and the claim: far fewer commits than writes.
        let count = commits.count.withLock { $0 }
        #expect(count < 150, "\(count) commits for 203 writes: they are not being batched")
    }

    /// A full disk fails the write with a clear error, reads go on, and writing resumes when space returns.
    @Test func aFullDatabaseFailsWritesAndRecovers() async throws {
        let queue = try DatabaseQueue(path: path)
        let store = try SQLiteTaskStore(writer: queue)
        _ = try await store.submit([NewTask(job: "noop")], at: t0)
        let pages = try await queue.read { try Int.fetchOne($0, sql: "PRAGMA page_count")! }
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        let big = NewTask(job: "noop", arguments: .string(String(repeating: "x", count: 100_000)))
        await #expect {
            try await store.submit([big], at: t0)
        } throws: { error in
            // Typed, saying what to do, with SQLite's error as its cause.
            guard let failure = error as? TaskStoreError else { return false }
            return failure.code == .storage && failure.message.contains("is full: free some space")
                && (failure.cause as? DatabaseError)?.resultCode == .SQLITE_FULL
        }
        #expect(try await store.countsByState() == [.queued: 1])
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(try await store.submit([big], at: t0).map(\.id) == [TaskID(2)])
    }

    /// Someone holding the write lock from outside: the write fails after the busy timeout, nothing
    /// crashes, and it works again once the lock is released. A reader outside never blocks a write (WAL).
    @Test func anOutsideLockIsABusyErrorNotACrash() async throws {
        let store = try SQLiteTaskStore.open(path: path, busyTimeout: 0.2)
        let outsider = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        // Another program holding the write lock, on a thread of its own.
        Thread.detachNewThread {
            try? outsider.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                release.wait()
                try db.execute(sql: "ROLLBACK")
            }
            done.signal()
        }
        await Self.wait(for: locked)
        await #expect {
            try await store.submit([NewTask(job: "noop")], at: t0)
        } throws: { error in
            guard let failure = error as? TaskStoreError else { return false }
            return failure.code == .storage && failure.message.contains("holds a lock on \(path)")
                && (failure.cause as? DatabaseError)?.resultCode == .SQLITE_BUSY
        }
        release.signal()
        await Self.wait(for: done)
        let reader = try DatabasePool(path: path)
        try await reader.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks")
            #expect(try store.synchronousLevel() == 1)  // the writer answers while a read transaction is open
        }
        #expect(try await store.submit([NewTask(job: "noop")], at: t0).map(\.id) == [TaskID(1)])
    }

    /// Waits on a semaphore without holding one of the threads that run async code.
    private static func wait(for semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                semaphore.wait()
                continuation.resume()
            }
        }
    }
}


/// Counts the transactions committed on a database.
final class CommitCounter: TransactionObserver, Sendable {
    let count = Mutex(0)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
