import CoroqJSON
import Foundation
import Logging

extension Scheduler {
    /// Runs one attempt of a claimed task and records how it ended.
    func attempt(_ record: TaskRecord) async {
        var logger = self.logger
        logger[metadataKey: "task"] = "\(record.id)"
        logger.debug("started", metadata: ["job": "\(record.job)", "attempt": "\(record.attempts)"])
        let context = JobContext(taskID: record.id, attempt: record.attempts, logger: logger, checkpoints: store)
        let outcome = await Self.decideOutcome {
            try await self.registry.run(job: record.job, arguments: record.arguments, context: context)
        }
        defer { eventSink.yield(.attemptEnded) }
        do {
            if Task.isCancelled, case .failed = outcome {
                // Cut off by shutdown (a cancelled subprocess reports SIGKILL, a sleep throws): not the
                // task's own failure. It runs again after the restart.
                try await Self.withoutCancellation { try await self.store.requeue([record.id]) }
                logger.info("interrupted by shutdown, back in the queue")
                return
            }
            let finished = try await Self.withoutCancellation {
                try await self.store.finish(record.id, outcome: outcome, at: self.now())
            }
            logger.info("finished", metadata: ["state": "\(finished.state.rawValue)"])
            await onFinished(finished)
        } catch {
            // The task stays `running` in the store; the next start-up puts it back in the queue.
            logger.error("could not record the outcome", metadata: ["error": "\(error)"])
        }
    }

    /// Pure: what an attempt's return or throw means for the task.
    static func decideOutcome(_ body: () async throws -> JSONValue) async -> TaskOutcome {
        do {
            return .succeeded(try await body())
        } catch let error as TaskError {
            return .failed(error)
        } catch is CancellationError {
            return .failed(TaskError(code: "interrupted", message: "the attempt was cancelled"))
        } catch {
            return .failed(TaskError(code: "job_error", message: String(describing: error)))
        }
    }

    /// Runs `operation` in a task that does not share the caller's cancellation. Once an attempt has
    /// ended, its outcome must reach the store even while the daemon is shutting down — GRDB's async
    /// writes throw `CancellationError` in a cancelled task.
    static func withoutCancellation<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await Task { try await operation() }.value
    }
}
