import CoroqCore
import Foundation
import GRDB
import Metrics
import Synchronization

/// Group commit: concurrent writes share transactions, so throughput does not depend on one fsync each.
///
/// A write that arrives while no batch is being written starts one at once (no added delay when idle);
/// writes that arrive while a transaction commits wait and go into the next one, all together. Each
/// write runs in its own savepoint: one that throws (a refused state transition) rolls back alone and the
/// others commit. Every caller is resumed only after its batch's COMMIT returned — nothing is acknowledged
/// before it is durable. If the COMMIT itself fails (a full disk), every write of the batch fails with it.
final class GroupCommitWriter: Sendable {
    private struct PendingWrite: Sendable {
        /// Runs the operation in a savepoint; returns what resumes the caller once the batch committed, and
        /// the SQLite error the operation hit, if any.
        let execute: @Sendable (Database) -> (resume: @Sendable () -> Void, databaseError: DatabaseError?)
        let fail: @Sendable (any Error) -> Void
    }

    private let writer: any DatabaseWriter
    /// For the messages of storage failures.
    private let databasePath: String
    private let state = Mutex<(queue: [PendingWrite], flushing: Bool)>(([], false))
    /// Raised after each committed batch (`ChangeSignal`).
    let changes = ChangeSignal()
    /// Writes per committed batch, and how long each batch took (`/metrics`; no-ops unless metrics are on).
    private let batchSizes = Recorder(label: "coroq_commit_batch_writes", aggregate: true)
    private let batchDurations = Metrics.Timer(label: "coroq_commit_batch_duration_seconds", preferredDisplayUnit: .seconds)

    init(writer: any DatabaseWriter) {
        self.writer = writer
        databasePath = writer.path
    }

    /// Runs `operation` in the next batch and returns its value once that batch is committed.
    func write<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = PendingWrite(
                execute: { db in
                    do {
                        let value = try Self.inSavepoint(db, operation)
                        return ({ continuation.resume(returning: value) }, nil)
                    } catch let error as DatabaseError {
                        let failure = TaskStoreError.storage(error, databasePath: self.databasePath)
                        return ({ continuation.resume(throwing: failure) }, error)
                    } catch {
                        return ({ continuation.resume(throwing: error) }, nil)
                    }
                },
                fail: { [databasePath] error in
                    continuation.resume(throwing: (error as? DatabaseError).map { TaskStoreError.storage($0, databasePath: databasePath) } ?? error)
                })
            let startsBatch = state.withLock { state in
                state.queue.append(pending)
                defer { state.flushing = true }
                return !state.flushing
            }
            if startsBatch {
                writer.asyncWriteWithoutTransaction { db in self.drain(db) }
            }
        }
    }

    /// On the database's writer queue: writes batches until none is waiting.
    private func drain(_ db: Database) {
        while true {
            let batch = state.withLock { state in
                defer { state.queue = [] }
                if state.queue.isEmpty { state.flushing = false }
                return state.queue
            }
            if batch.isEmpty { return }
            var resumes: [@Sendable () -> Void] = []
            resumes.reserveCapacity(batch.count)
            var rootCause: DatabaseError?
            let started = ContinuousClock.now
            do {
                try db.inTransaction {
                    for pending in batch {
                        let (resume, databaseError) = pending.execute(db)
                        resumes.append(resume)
                        if rootCause == nil { rootCause = databaseError }
                    }
                    return .commit
                }
                batchSizes.record(batch.count)
                batchDurations.recordNanoseconds(started.duration(to: .now).nanoseconds)
                for resume in resumes { resume() }
                changes.signal()
            } catch {
                // SQLite rolls a whole transaction back on some errors (SQLITE_FULL): the COMMIT then fails
                // with "transaction aborted". Every caller hears the cause instead.
                let aborted = (error as? DatabaseError)?.resultCode == .SQLITE_ABORT
                for pending in batch { pending.fail(aborted ? rootCause ?? error : error) }
            }
        }
    }

    /// Runs `operation` in a savepoint of its own. The savepoint statements are prepared once and reused
    /// (GRDB's `inSavepoint` prepares them on every call: 5 % of the daemon's time at 100k tasks).
    private static func inSavepoint<T>(_ db: Database, _ operation: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT coroq_write").execute()
        do {
            let value = try operation(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT coroq_write").execute()
            return value
        } catch {
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT coroq_write").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT coroq_write").execute()
            throw error
        }
    }
}
