import Foundation
import GRDB

/// Why the daemon will not open a database file. The file is left exactly as it was.
public struct StartupRefusal: Error, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// Looks at an existing database through a read-only connection before anything may write to it: a file
/// that is not SQLite, not coroq's, damaged, or from a newer coroq is refused untouched (pueue's 4.0 replaced
/// a state file it could not read with an empty one; coroq never does).
enum StartupCheck {
    static func inspect(path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }  // new file
        if (attributes[.size] as? Int ?? 0) == 0 { return }  // an empty file is an empty database
        guard let header = FileHandle(forReadingAtPath: path).flatMap({ handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 16)
        }), header == Data("SQLite format 3\0".utf8) else {
            throw StartupRefusal("it is not an SQLite database")
        }
        let walExisted = FileManager.default.fileExists(atPath: path + "-wal")
        let shmExisted = FileManager.default.fileExists(atPath: path + "-shm")
        do {
            try inspectContents(path: path)
        } catch {
            // A read-only connection to a WAL database creates an empty `-wal` (and a `-shm`) when there is
            // none: a refused file is left with nothing new beside it. Only an empty WAL is removed — never
            // one that another connection could have written to meanwhile.
            let wal = path + "-wal"
            if !walExisted, (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) == 0 {
                try? FileManager.default.removeItem(atPath: wal)
                if !shmExisted { try? FileManager.default.removeItem(atPath: path + "-shm") }
            }
            throw error
        }
    }

    private static func inspectContents(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw StartupRefusal("it is damaged (quick_check: \(check.prefix(3).joined(separator: "; ")))")
                }
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                guard applicationID == Schema.applicationID || (applicationID == 0 && tables == 0) else {
                    throw StartupRefusal("it is an SQLite database, but not coroq's (application_id \(applicationID))")
                }
                try Schema.refuseNewer(db)
            }
        } catch let refusal as StartupRefusal {
            throw refusal
        } catch let error as DatabaseError {
            throw StartupRefusal("SQLite cannot read it: \(error.message ?? "\(error.resultCode)")")
        }
    }
}
