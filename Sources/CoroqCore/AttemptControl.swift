import Synchronization

/// One running attempt, as `Scheduler.cancel` reaches it: the job's task to cancel, the reason, and the
/// callers waiting for the cancelled outcome to be recorded.
final class AttemptControl: Sendable {
    private struct State {
        var cancelJob: (@Sendable () -> Void)?
        var reason: String?
        var waiters: [CheckedContinuation<TaskRecord, any Error>] = []
        /// Set once the attempt has ended: a cancel that arrives later is answered with it at once.
        var result: Result<TaskRecord, any Error>?
    }

    private let state = Mutex(State())

    /// The reason given by `requestCancel`, if a person cancelled this attempt.
    var cancelReason: String? { state.withLock(\.reason) }

    /// Runs the job in its own task, so that a cancel reaches this attempt alone. The caller's own
    /// cancellation (shutdown) is passed on as well.
    func run<T: Sendable>(_ job: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await job() }
        let cancelNow = state.withLock { state in
            state.cancelJob = { task.cancel() }
            return state.reason != nil
        }
        if cancelNow { task.cancel() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Cancels the attempt; `waiter` is resumed with the task once its outcome is recorded.
    func requestCancel(reason: String, waiter: CheckedContinuation<TaskRecord, any Error>) {
        let (cancelJob, ended) = state.withLock { state in
            if let result = state.result { return (nil as (@Sendable () -> Void)?, result as Result<TaskRecord, any Error>?) }
            if state.reason == nil { state.reason = reason }
            state.waiters.append(waiter)
            return (state.cancelJob, nil)
        }
        if let ended { return waiter.resume(with: ended) }
        cancelJob?()
    }

    /// The attempt has ended: tell whoever asked to cancel it how, now and later.
    func resolve(_ result: Result<TaskRecord, any Error>) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
