import CoroqCore
import CoroqJSON
import CoroqProtocol
import CoroqStore
import Foundation
import Logging
import NIOPosix

/// `clean` and `backup`, and the retention pruning that calls `clean` on a timer.
struct MaintenanceHandler: Sendable {
    let store: SQLiteTaskStore
    let logDirectory: String
    let logger: Logger

    func clean(_ params: CleanParams) async throws(RPCError) -> CleanResult {
        guard Seconds.isValid(params.olderThan) else {
            throw RPCError(.invalidParams, "'older_than' must be a number of seconds from 0 to \(Int(Seconds.maximum))")
        }
        var states = Set(TaskState.allCases.filter(\.isFinal))
        if let names = params.states {
            let requested = try names.map { name throws(RPCError) in
                guard let state = TaskState(rawValue: name), state.isFinal else {
                    throw RPCError(.invalidParams, "'\(name)' is not a finished state (succeeded, failed, cancelled)")
                }
                return state
            }
            states = Set(requested)
        }
        do {
            return CleanResult(deleted: try await prune(finishedBefore: Date() - params.olderThan, states: states))
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Deletes finished tasks with their history and their log files. Returns how many.
    func prune(finishedBefore cutoff: Date, states: Set<TaskState>) async throws -> Int {
        let deleted = try await store.clean(finishedBefore: cutoff, states: states)
        // On NIO's thread pool: thousands of unlinks must not hold a thread of the cooperative pool.
        let logDirectory = self.logDirectory
        try? await NIOThreadPool.singleton.runIfActive {
            for id in deleted {
                for suffix in ["log", "on-done.log"] {
                    try? FileManager.default.removeItem(atPath: "\(logDirectory)/\(id).\(suffix)")
                }
            }
        }
        if !deleted.isEmpty { logger.info("pruned finished tasks", metadata: ["count": "\(deleted.count)"]) }
        return deleted.count
    }

    func backup(_ params: BackupParams) async throws(RPCError) -> BackupResult {
        guard params.path.hasPrefix("/") else { throw RPCError(.invalidParams, "'path' must be absolute") }
        // Created here, exclusively and owner-only whatever the umask: the copy holds what the database holds
        // (results with a job's output); SQLite writes into the empty file and keeps its mode.
        let descriptor = open(params.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST
                ? "\(params.path) exists; coroq backup does not overwrite files"
                : "cannot create \(params.path): \(String(cString: strerror(errno)))"
            throw RPCError(.invalidParams, reason)
        }
        close(descriptor)
        do {
            try await store.backup(to: params.path)
            let size = (try? FileManager.default.attributesOfItem(atPath: params.path)[.size] as? Int64) ?? 0
            logger.notice("backup written", metadata: ["path": "\(params.path)"])
            return BackupResult(path: params.path, bytes: size)
        } catch {
            unlink(params.path)
            throw RPCError(.storageFailure, "could not write the backup to \(params.path): \(error)")
        }
    }
}
