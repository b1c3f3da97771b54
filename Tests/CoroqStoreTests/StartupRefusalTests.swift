import CoroqCore
import CoroqStore
import Foundation
import GRDB
import Testing

/// A file that coroq must not use is refused, and left byte for byte as it was.
@Suite struct StartupRefusalTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path + "/coroq.db" }

    /// Opening is refused with a reason containing one of `reasons`; the file and its WAL are unchanged.
    func expectRefusedAndUntouched(_ reasons: String...) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let walBefore = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        #expect {
            try SQLiteTaskStore.open(path: path)
        } throws: { error in
            guard let refusal = error as? StartupRefusal else { return false }
            return reasons.contains { refusal.reason.contains($0) }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) == walBefore)
        if walBefore == nil { #expect(!FileManager.default.fileExists(atPath: path + "-shm")) }
    }

    @Test func aFileThatIsNotSQLite() throws {
        try Data("these are my notes, not a database\n".utf8).write(to: URL(fileURLWithPath: path))
        try expectRefusedAndUntouched("not an SQLite database")
    }

    @Test func aTruncatedDatabase() async throws {
        do {
            let store = try SQLiteTaskStore.open(path: path)
            _ = try await store.submit((0..<2000).map { _ in NewTask(job: "noop", arguments: .string(String(repeating: "y", count: 200))) }, at: Date())
        }
        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        try expectRefusedAndUntouched("damaged", "cannot read")
    }

    @Test func anotherProgramsDatabase() async throws {
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT)") }
        try queue.close()
        try expectRefusedAndUntouched("not coroq's")
    }

    @Test func aNewerSchema() async throws {
        _ = try SQLiteTaskStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()
        try expectRefusedAndUntouched("newer coroq")
    }

    @Test func anEmptyFileIsANewDatabase() async throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let store = try SQLiteTaskStore.open(path: path)
        #expect(try await store.submit([NewTask(job: "noop")], at: Date()).count == 1)
    }
}
