import CoroqCore
import GRDB

extension TaskStoreError {
    /// A SQLite error as a storage failure whose message says what happened and what to do about it; the
    /// SQLite error stays as its cause.
    static func storage(_ error: DatabaseError, databasePath: String) -> TaskStoreError {
        let message: String
        switch error.resultCode {
        case .SQLITE_FULL:
            message = "the disk holding \(databasePath) is full: free some space; writes are retried"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            message = "another program holds a lock on \(databasePath) for longer than --busy-timeout: find it (fuser \(databasePath)) and end its transaction"
        case .SQLITE_READONLY:
            message = "\(databasePath) cannot be written (read-only file or file system): check its permissions and mount"
        case .SQLITE_IOERR:
            message = "reading or writing \(databasePath) failed (an I/O error): check the disk and the kernel log"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            message = "\(databasePath) is damaged: stop coroqd, keep a copy, and restore from a backup"
        case .SQLITE_CANTOPEN:
            message = "\(databasePath) cannot be opened: check that its directory exists and is writable"
        default:
            message = "the database \(databasePath) failed: \(error.message ?? "\(error.resultCode)")"
        }
        return TaskStoreError(.storage, message, cause: error)
    }
}
